package io.walship.primary.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
    @ParameterizedTest
    @CsvSource({
        "1s,1000000000",
        "500ms,500000000",
        "1h30m,5400000000000",
        "24h,86400000000000",
        "0,0",
        "-1.5s,-1500000000",
        "+2m,120000000000",
        "1.5h,5400000000000",
        ".5s,500000000",
        "1.s,1000000000",
        "10us,10000",
        "10\u00b5s,10000",
        "10\u03bcs,10000",
        "7ns,7",
        "1h1m1s1ms,3661001000000",
    })
    void parses(String text, long nanos) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5x", "5", "s", "1.5", ".s", "-", "1d", "1 s", "9999999999999h"})
    void rejects(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid duration \"" + text + "\"");
    }

    @ParameterizedTest
    @CsvSource({
        "0,0s",
        "1,1ns",
        "1500,1.5\u00b5s",
        "691000000,691ms",
        "1500000,1.5ms",
        "4200000000,4.2s",
        "47000000000,47s",
        "120000000000,2m0s",
        "3600000000000,1h0m0s",
        "5430500000000,1h30m30.5s",
        "-4200000000,-4.2s",
        "9223372036854775807,2562047h47m16.854775807s",
        "-9223372036854775808,-2562047h47m16.854775808s",
    })
    void formatsLikeGo(long nanos, String text) {
        assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({
        "47123456789,47s",
        "4234567890,4.2s",
        "691234567,691ms",
        "1234567,1ms",
        "1500,1\u00b5s",
        "999,999ns",
        "-47123456789,-47s",
        "-4234567890,-4.2s",
        "9223372036854775807,2562047h47m16s",
    })
    void truncatesLagLikeLitestream(long nanos, String text) {
        assertThat(GoDuration.format(GoDuration.truncateForLag(Duration.ofNanos(nanos)))).isEqualTo(text);
    }

    @Test
    void betweenSaturatesLikeGo() {
        Instant zero = Instant.parse("0001-01-01T00:00:00Z");
        Instant now = Instant.parse("2024-05-01T00:00:00Z");
        assertThat(GoDuration.between(zero, now)).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
        assertThat(GoDuration.between(now, zero)).isEqualTo(Duration.ofNanos(Long.MIN_VALUE));
        assertThat(GoDuration.between(now, now.plusMillis(5))).isEqualTo(Duration.ofMillis(5));
    }
}

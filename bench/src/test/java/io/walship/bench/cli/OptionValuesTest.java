package io.walship.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** Sizes, durations, counts and rates as the bench options take them. */
class OptionValuesTest {
    @Test
    void sizesTakeBinaryUnits() {
        ByteSize s = new ByteSize();
        assertThat(s.convert("4096")).isEqualTo(4096);
        assertThat(s.convert("64KiB")).isEqualTo(64L << 10);
        assertThat(s.convert("16m")).isEqualTo(16L << 20);
        assertThat(s.convert("1GiB")).isEqualTo(1L << 30);
        for (String bad : new String[] {"0", "-1MiB", "1TB", "MiB", "1.5GiB"}) {
            assertThatThrownBy(() -> s.convert(bad)).isInstanceOf(TypeConversionException.class).hasMessageContaining(bad);
        }
    }

    @Test
    void durationsArePositiveGoDurations() {
        DurationValue d = new DurationValue();
        assertThat(d.convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        for (String bad : new String[] {"0", "-1s", "10", "soon"}) {
            assertThatThrownBy(() -> d.convert(bad)).isInstanceOf(TypeConversionException.class);
        }
    }

    @Test
    void ratesAreCountsOrMax() {
        FollowBenchCommand.Rate r = new FollowBenchCommand.Rate();
        assertThat(r.convert("1000")).isEqualTo(1000);
        assertThat(r.convert("max")).isZero();
        assertThatThrownBy(() -> r.convert("0")).hasMessageContaining("rate");
        assertThatThrownBy(() -> new PositiveInt().convert("none")).isInstanceOf(TypeConversionException.class);
    }
}

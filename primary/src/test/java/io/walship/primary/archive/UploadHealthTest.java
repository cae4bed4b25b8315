package io.walship.primary.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UploadHealthTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void backsOffByDoublingUpToTheCeilingAndRecoversAtOnce() {
        UploadHealth h = new UploadHealth(Duration.ofSeconds(1));
        assertThat(h.failed(T0, "down")).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.due(T0.plusMillis(999))).isFalse();
        assertThat(h.due(T0.plusSeconds(1))).isTrue();
        assertThat(h.failed(T0.plusSeconds(1), "down")).isEqualTo(Duration.ofSeconds(2));
        assertThat(h.failed(T0.plusSeconds(3), "down")).isEqualTo(Duration.ofSeconds(4));
        assertThat(h.failed(T0.plusSeconds(7), "down")).isEqualTo(Duration.ofSeconds(8));
        assertThat(h.failed(T0.plusSeconds(15), "down")).isEqualTo(UploadHealth.MAX_BACKOFF);
        assertThat(h.failed(T0.plusSeconds(30), "down")).isEqualTo(UploadHealth.MAX_BACKOFF);
        assertThat(h.failingSince()).isEqualTo(T0);
        assertThat(h.lastError()).isEqualTo("down");

        h.retryNow();
        assertThat(h.due(T0.plusSeconds(31))).isTrue();
        assertThat(h.succeeded(T0.plusSeconds(31))).isEqualTo(6);
        assertThat(h.failures()).isZero();
        assertThat(h.failingSince()).isNull();
        assertThat(h.lastSuccess()).isEqualTo(T0.plusSeconds(31));
    }

    @Test
    void aSyncIntervalLongerThanTheCeilingIsTheRetryInterval() {
        UploadHealth h = new UploadHealth(Duration.ofMinutes(1));
        assertThat(h.failed(T0, "down")).isEqualTo(Duration.ofMinutes(1));
        assertThat(h.failed(T0, "down")).isEqualTo(Duration.ofMinutes(1));
    }
}

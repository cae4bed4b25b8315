package io.walship.primary.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UploadHealthTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final AtomicLong nanos = new AtomicLong(-5_000_000_000L);

    private void pass(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void backsOffByDoublingUpToTheCeilingAndRecoversAtOnce() {
        UploadHealth h = new UploadHealth(Duration.ofSeconds(1), nanos::get);
        assertThat(h.due()).isTrue();
        assertThat(h.failed(T0, "down")).isEqualTo(Duration.ofSeconds(1));
        pass(Duration.ofMillis(999));
        assertThat(h.due()).isFalse();
        pass(Duration.ofMillis(1));
        assertThat(h.due()).isTrue();
        assertThat(h.failed(T0.plusSeconds(1), "down")).isEqualTo(Duration.ofSeconds(2));
        assertThat(h.failed(T0.plusSeconds(3), "down")).isEqualTo(Duration.ofSeconds(4));
        assertThat(h.failed(T0.plusSeconds(7), "down")).isEqualTo(Duration.ofSeconds(8));
        assertThat(h.failed(T0.plusSeconds(15), "down")).isEqualTo(UploadHealth.MAX_BACKOFF);
        pass(Duration.ofSeconds(30));
        assertThat(h.failed(T0.plusSeconds(30), "down")).isEqualTo(UploadHealth.MAX_BACKOFF);
        assertThat(h.failingSince()).isEqualTo(T0);
        assertThat(h.failingFor()).isEqualTo(Duration.ofSeconds(31));
        assertThat(h.lastError()).isEqualTo("down");

        assertThat(h.due()).isFalse();
        h.retryNow();
        assertThat(h.due()).isTrue();
        assertThat(h.succeeded(T0.plusSeconds(31))).isEqualTo(6);
        assertThat(h.failures()).isZero();
        assertThat(h.failingSince()).isNull();
        assertThat(h.failingFor()).isZero();
        assertThat(h.lastSuccess()).isEqualTo(T0.plusSeconds(31));
    }

    @Test
    void aSyncIntervalLongerThanTheCeilingIsTheRetryInterval() {
        UploadHealth h = new UploadHealth(Duration.ofMinutes(1), nanos::get);
        assertThat(h.failed(T0, "down")).isEqualTo(Duration.ofMinutes(1));
        assertThat(h.failed(T0, "down")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void theWaitRunsOnTheMonotonicClockWhateverTheWallClockSays() {
        UploadHealth h = new UploadHealth(Duration.ofSeconds(1), nanos::get);
        h.failed(T0, "down");
        h.failed(T0.minus(Duration.ofHours(1)), "down");
        pass(Duration.ofSeconds(2));
        assertThat(h.due()).as("due 2 s after the last failure, though the wall clock went back an hour").isTrue();
        assertThat(h.failingSince()).as("reported as the wall clock said").isEqualTo(T0);
    }
}

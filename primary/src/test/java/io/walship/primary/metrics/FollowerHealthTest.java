package io.walship.primary.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FollowerHealthTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void healthyWhileConnectedWithDataAndThroughShortOutages() {
        FollowerHealth h = new FollowerHealth(LIMIT, true, 0);
        h.connected();
        assertThat(h.problem(100 * SECOND)).isNull();
        h.disconnected("connection reset", 100 * SECOND);
        assertThat(h.problem(129 * SECOND)).isNull();
        assertThat(h.problem(131 * SECOND)).isEqualTo("primary unreachable for 31 s: connection reset");
        h.connected();
        assertThat(h.problem(200 * SECOND)).isNull();
    }

    @Test
    void anOutageCountsFromTheFirstFailureNotTheLatestRetry() {
        FollowerHealth h = new FollowerHealth(LIMIT, true, 0);
        h.connected();
        h.disconnected("connection refused", 10 * SECOND);
        h.disconnected("connection timed out", 35 * SECOND);
        assertThat(h.problem(41 * SECOND)).isEqualTo("primary unreachable for 31 s: connection timed out");
    }

    @Test
    void neverConnectedCountsFromTheStart() {
        FollowerHealth h = new FollowerHealth(LIMIT, true, 0);
        assertThat(h.problem(29 * SECOND)).isNull();
        assertThat(h.problem(31 * SECOND)).isEqualTo("primary unreachable for 31 s: not connected yet");
    }

    @Test
    void noDataUntilTheFirstApplyAndStoppedForGood() {
        FollowerHealth h = new FollowerHealth(LIMIT, false, 0);
        h.connected();
        assertThat(h.problem(SECOND)).isEqualTo("no snapshot applied yet");
        h.applied();
        assertThat(h.problem(SECOND)).isNull();
        h.failed("verification failed: page 3");
        assertThat(h.problem(SECOND)).isEqualTo("stopped: verification failed: page 3");
    }
}

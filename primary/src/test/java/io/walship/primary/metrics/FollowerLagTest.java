package io.walship.primary.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.protocol.Pos;
import org.junit.jupiter.api.Test;

class FollowerLagTest {
    private static final String GEN = "0123456789abcdef";
    private static final String OTHER = "fedcba9876543210";
    private static final long SECOND = 1_000_000_000L;

    private static Pos pos(long index, long offset) {
        return new Pos(GEN, index, offset);
    }

    @Test
    void bytesAndSecondsAreZeroWhenEverythingHeardIsApplied() {
        FollowerLag lag = new FollowerLag(pos(1, 100));
        lag.heard(pos(1, 100), 0);
        assertThat(lag.bytes()).isZero();
        assertThat(lag.seconds(10 * SECOND)).isZero();
    }

    @Test
    void secondsAreTheAgeOfTheOldestPositionNotYetApplied() {
        FollowerLag lag = new FollowerLag(pos(1, 100));
        lag.heard(pos(1, 200), 2 * SECOND);
        lag.heard(pos(1, 300), 3 * SECOND);
        assertThat(lag.bytes()).isEqualTo(200);
        assertThat(lag.seconds(5 * SECOND)).isEqualTo(3.0);

        lag.applied(pos(1, 200));
        assertThat(lag.bytes()).isEqualTo(100);
        assertThat(lag.seconds(5 * SECOND)).as("the 200 entry is applied; 300 waits since 3 s").isEqualTo(2.0);

        lag.applied(pos(1, 300));
        assertThat(lag.seconds(5 * SECOND)).isZero();
    }

    @Test
    void aLaterIndexCountsOnlyThePrimarysOffsetThere() {
        FollowerLag lag = new FollowerLag(pos(1, 5000));
        lag.heard(pos(2, 700), 0);
        assertThat(lag.bytes()).isEqualTo(700);
    }

    @Test
    void unknownBeforeTheFirstSnapshotAndAcrossGenerations() {
        FollowerLag fresh = new FollowerLag(null);
        fresh.heard(pos(1, 100), SECOND);
        assertThat(fresh.bytes()).isNaN();
        assertThat(fresh.seconds(4 * SECOND)).as("waiting for data since the hello").isEqualTo(3.0);

        FollowerLag moved = new FollowerLag(pos(1, 100));
        moved.heard(new Pos(OTHER, 0, 50), SECOND);
        assertThat(moved.bytes()).isNaN();
        moved.applied(new Pos(OTHER, 0, 50));
        assertThat(moved.bytes()).isZero();
        assertThat(moved.seconds(9 * SECOND)).isZero();
    }

    @Test
    void aFullQueueKeepsTheOldestTimesSoLagIsNeverUnderstated() {
        FollowerLag lag = new FollowerLag(pos(1, 0));
        for (int i = 1; i <= FollowerLag.MAX_WAITING + 10; i++) {
            lag.heard(pos(1, i), i * SECOND);
        }
        lag.applied(pos(1, FollowerLag.MAX_WAITING + 5));
        long now = (FollowerLag.MAX_WAITING + 20) * SECOND;
        long oldestWaiting = FollowerLag.MAX_WAITING + 6;
        assertThat(lag.seconds(now)).as("at least the true age of the oldest position not applied")
                .isGreaterThanOrEqualTo((now - oldestWaiting * SECOND) / 1e9);
    }
}

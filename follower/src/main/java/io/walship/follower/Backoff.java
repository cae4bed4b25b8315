package io.walship.follower;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Jittered exponential back-off between reconnects, so many followers do not hammer a primary in step. */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private long current;

    Backoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
        this.current = minMillis;
    }

    /** The next wait: a random point in [current/2, current], then current doubles up to the maximum. */
    long nextMillis() {
        long wait = current / 2 + ThreadLocalRandom.current().nextLong(current / 2 + 1);
        current = Math.min(maxMillis, current * 2);
        return wait;
    }

    void reset() {
        current = minMillis;
    }
}

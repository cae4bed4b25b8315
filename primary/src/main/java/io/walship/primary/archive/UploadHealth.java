package io.walship.primary.archive;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a replica is taking uploads, and when to try again if not: after each consecutive failure the wait
 * doubles from the sync interval up to {@link #MAX_BACKOFF}, so an unreachable S3 or expired credentials cost a
 * request every few seconds, not a burst every second; a reload (SIGHUP) makes the next attempt immediate.
 */
public final class UploadHealth {
    /** Short enough that a replica catches up soon after S3 answers again. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

    private final Duration base;
    private int failures;
    private Instant failingSince;
    private Instant nextAttempt = Instant.MIN;
    private Instant lastSuccess;
    private String lastError;

    UploadHealth(Duration syncInterval) {
        this.base = syncInterval == null || syncInterval.isZero() || syncInterval.isNegative()
                ? Duration.ofSeconds(1) : syncInterval;
    }

    synchronized boolean due(Instant now) {
        return !now.isBefore(nextAttempt);
    }

    /** Records a failure and returns the wait before the next attempt. */
    synchronized Duration failed(Instant now, String error) {
        if (failures == 0) {
            failingSince = now;
        }
        failures++;
        lastError = error;
        Duration wait = base.multipliedBy(1L << Math.min(failures - 1, 16));
        if (wait.compareTo(MAX_BACKOFF) > 0) {
            wait = MAX_BACKOFF.compareTo(base) > 0 ? MAX_BACKOFF : base;
        }
        nextAttempt = now.plus(wait);
        return wait;
    }

    /** Records a success; returns how many failures it ended (0 if none). */
    synchronized int succeeded(Instant now) {
        int ended = failures;
        failures = 0;
        failingSince = null;
        nextAttempt = Instant.MIN;
        lastError = null;
        lastSuccess = now;
        return ended;
    }

    synchronized void retryNow() {
        nextAttempt = Instant.MIN;
    }

    public synchronized int failures() {
        return failures;
    }

    /** Start of the current run of failures, or null while healthy. */
    public synchronized Instant failingSince() {
        return failingSince;
    }

    public synchronized Instant lastSuccess() {
        return lastSuccess;
    }

    public synchronized String lastError() {
        return lastError;
    }
}

package io.walship.primary.archive;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Whether a replica is taking uploads, and when to try again if not: after each consecutive failure the wait
 * doubles from the sync interval up to {@link #MAX_BACKOFF}, so an unreachable S3 or expired credentials cost a
 * request every few seconds, not a burst every second; a reload (SIGHUP) makes the next attempt immediate. Waits
 * run on the monotonic clock: a wall clock set back (NTP, a device without a battery-backed clock) must not hold
 * uploads back for as long as it jumped. The wall-clock times are only reported.
 */
public final class UploadHealth {
    /** Short enough that a replica catches up soon after S3 answers again. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

    private final Duration base;
    private final LongSupplier nanoTime;
    private int failures;
    private Instant failingSince;
    private long failingSinceNanos;
    private boolean waiting;
    private long nextAttemptNanos;
    private Instant lastSuccess;
    private String lastError;

    UploadHealth(Duration syncInterval) {
        this(syncInterval, System::nanoTime);
    }

    /** {@code nanoTime}: the monotonic clock, {@link System#nanoTime()} but in tests. */
    UploadHealth(Duration syncInterval, LongSupplier nanoTime) {
        this.base = syncInterval == null || syncInterval.isZero() || syncInterval.isNegative()
                ? Duration.ofSeconds(1) : syncInterval;
        this.nanoTime = nanoTime;
    }

    synchronized boolean due() {
        return !waiting || nanoTime.getAsLong() - nextAttemptNanos >= 0;
    }

    /** Records a failure at wall-clock time {@code now} and returns the wait before the next attempt. */
    synchronized Duration failed(Instant now, String error) {
        long nanos = nanoTime.getAsLong();
        if (failures == 0) {
            failingSince = now;
            failingSinceNanos = nanos;
        }
        failures++;
        lastError = error;
        Duration wait = base.multipliedBy(1L << Math.min(failures - 1, 16));
        if (wait.compareTo(MAX_BACKOFF) > 0) {
            wait = MAX_BACKOFF.compareTo(base) > 0 ? MAX_BACKOFF : base;
        }
        waiting = true;
        nextAttemptNanos = nanos + wait.toNanos();
        return wait;
    }

    /** Records a success; returns how many failures it ended (0 if none). */
    synchronized int succeeded(Instant now) {
        int ended = failures;
        failures = 0;
        failingSince = null;
        waiting = false;
        lastError = null;
        lastSuccess = now;
        return ended;
    }

    synchronized void retryNow() {
        waiting = false;
    }

    public synchronized int failures() {
        return failures;
    }

    /** Start of the current run of failures, or null while healthy. */
    public synchronized Instant failingSince() {
        return failingSince;
    }

    /** How long the current run of failures has lasted (zero while healthy), whatever the wall clock did. */
    synchronized Duration failingFor() {
        return failures == 0 ? Duration.ZERO : Duration.ofNanos(nanoTime.getAsLong() - failingSinceNanos);
    }

    public synchronized Instant lastSuccess() {
        return lastSuccess;
    }

    public synchronized String lastError() {
        return lastError;
    }
}

package io.walship.primary.metrics;

import java.time.Duration;

/**
 * Whether a follower applies normally, for {@code /healthz}: it is unhealthy once stopped for good, when the
 * primary has been unreachable for longer than a limit (short outages are normal: it reconnects with back-off), and
 * while no snapshot has been applied yet (readers would see no data).
 */
final class FollowerHealth {
    private final long unreachableLimitNanos;
    private boolean connected;
    private long disconnectedSince;
    private String lastError = "not connected yet";
    private boolean hasData;
    private String failure;

    FollowerHealth(Duration unreachableLimit, boolean hasData, long nowNanos) {
        this.unreachableLimitNanos = unreachableLimit.toNanos();
        this.hasData = hasData;
        this.disconnectedSince = nowNanos;
    }

    synchronized void connected() {
        connected = true;
    }

    synchronized void disconnected(String reason, long nowNanos) {
        if (connected) {
            disconnectedSince = nowNanos;
        }
        connected = false;
        lastError = reason;
    }

    synchronized void applied() {
        hasData = true;
    }

    synchronized void failed(String reason) {
        failure = reason;
    }

    /** Null while healthy, else why not, in one line. */
    synchronized String problem(long nowNanos) {
        if (failure != null) {
            return "stopped: " + failure;
        }
        long down = nowNanos - disconnectedSince;
        if (!connected && down > unreachableLimitNanos) {
            return "primary unreachable for " + Duration.ofNanos(down).toSeconds() + " s: " + lastError;
        }
        if (!hasData) {
            return "no snapshot applied yet";
        }
        return null;
    }
}

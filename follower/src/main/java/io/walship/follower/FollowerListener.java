package io.walship.follower;

import io.walship.protocol.Pos;

/**
 * Observes a {@link StreamFollower} at work, for metrics and health checks. Calls come from the follower's own
 * thread, in order, and must return quickly; every method does nothing by default.
 */
public interface FollowerListener {
    FollowerListener NONE = new FollowerListener() { };

    /** The primary accepted the stream; it was at {@code primary} then. */
    default void connected(Pos primary) {
    }

    /** A heartbeat said the primary is at {@code primary}. */
    default void heartbeat(Pos primary) {
    }

    /** A WAL segment ending at {@code end} arrived; the primary had reached at least that position. */
    default void received(Pos end) {
    }

    /** A snapshot of {@code pos} arrived and is staged; it becomes visible with the WAL that follows it. */
    default void snapshotStaged(Pos pos, long nanos) {
    }

    /** Readers now see every transaction up to {@code end}; applying {@code bytes} of WAL took {@code nanos}. */
    default void walApplied(Pos end, long bytes, long nanos) {
    }

    /** The stream ended or could not be opened; the follower reconnects after a back-off. */
    default void disconnected(String reason) {
    }

    /** A local write to the database was detected; the follower re-syncs from a snapshot. */
    default void localWriteDetected() {
    }
}

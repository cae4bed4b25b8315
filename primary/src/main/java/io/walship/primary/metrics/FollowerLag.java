package io.walship.primary.metrics;

import io.walship.protocol.Pos;
import java.util.ArrayDeque;

/**
 * How far a follower's applied position is behind the primary positions it has heard of: the hello, heartbeats and
 * the ends of WAL segments received. Bytes compare with the latest one; seconds are the age of the oldest heard
 * position not yet applied (0 when none is waiting), so they measure how long data waits, not how old the last
 * heartbeat is.
 */
final class FollowerLag {
    /** Positions remembered while waiting; beyond it the newest entry absorbs more, keeping its (older) time. */
    static final int MAX_WAITING = 1024;

    private record Heard(Pos pos, long nanos) {
    }

    private final ArrayDeque<Heard> waiting = new ArrayDeque<>();
    private Pos primary;
    private Pos applied;

    FollowerLag(Pos applied) {
        this.applied = applied;
    }

    synchronized void heard(Pos pos, long nanos) {
        primary = pos;
        if (covered(pos)) {
            return;
        }
        Heard last = waiting.peekLast();
        if (last != null && last.pos().equals(pos)) {
            return;
        }
        if (waiting.size() >= MAX_WAITING) {
            waiting.pollLast();
            waiting.addLast(new Heard(pos, last.nanos()));
        } else {
            waiting.addLast(new Heard(pos, nanos));
        }
    }

    synchronized void applied(Pos pos) {
        applied = pos;
        while (!waiting.isEmpty() && (!waiting.peekFirst().pos().generation().equals(pos.generation())
                || covered(waiting.peekFirst().pos()))) {
            waiting.pollFirst();
        }
    }

    /** The applied position, or null before the first snapshot is visible. */
    synchronized Pos applied() {
        return applied;
    }

    /**
     * WAL bytes from the applied position to the primary's latest known one; when the primary is in a later WAL index
     * only its offset there counts (a lower bound). NaN while unknown or across generations.
     */
    synchronized double bytes() {
        if (primary == null || applied == null || !primary.generation().equals(applied.generation())) {
            return Double.NaN;
        }
        if (primary.compareTo(applied) <= 0) {
            return 0;
        }
        return primary.index() == applied.index() ? primary.offset() - applied.offset() : primary.offset();
    }

    synchronized double seconds(long nowNanos) {
        Heard oldest = waiting.peekFirst();
        return oldest == null ? 0 : Math.max(0, nowNanos - oldest.nanos()) / 1e9;
    }

    private boolean covered(Pos pos) {
        return applied != null && applied.generation().equals(pos.generation()) && applied.compareTo(pos) >= 0;
    }
}

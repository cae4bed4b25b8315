package io.walship.bench;

import io.walship.follower.ApplyStep;
import io.walship.follower.FollowerListener;
import io.walship.follower.StepListener;
import io.walship.follower.StreamFollower;
import io.walship.protocol.Pos;

/**
 * Observes one follower's applies through its step listener, on the follower's own thread: when each batch's
 * transaction committed (readers starting then see it) and when its position became the follower's
 * {@link StreamFollower#visiblePosition()} (journal and position file written), plus the time between the
 * durability steps, for the profile of where an apply spends its time.
 */
final class FollowerRecorder implements StepListener, FollowerListener {
    /** The intervals reported per batch, each ending at the step of the same position. */
    static final ApplyStep[] STEPS = {ApplyStep.PENDING_PERSISTED, ApplyStep.WAL_SYNCED, ApplyStep.COMMITTED,
        ApplyStep.VERIFIED, ApplyStep.APPLIED_PERSISTED, ApplyStep.POSITION_WRITTEN};

    private volatile StreamFollower follower;
    private final long[] stepNanos = new long[ApplyStep.values().length];
    private final LongSeries visibleNanos = new LongSeries();
    private final LongSeries committedNanos = new LongSeries();
    private final LongSeries indexes = new LongSeries();
    private final LongSeries offsets = new LongSeries();
    private final LongSeries[] intervals = new LongSeries[STEPS.length];
    private final LongSeries checkpointNanos = new LongSeries();
    private final LongSeries receivedNanos = new LongSeries();
    private final LongSeries receivedIndexes = new LongSeries();
    private final LongSeries receivedOffsets = new LongSeries();
    private long previousVisibleNanos;

    FollowerRecorder() {
        for (int i = 0; i < intervals.length; i++) {
            intervals[i] = new LongSeries();
        }
    }

    void attach(StreamFollower f) {
        follower = f;
    }

    @Override
    public synchronized void reached(ApplyStep step) {
        long now = System.nanoTime();
        stepNanos[step.ordinal()] = now;
        if (step == ApplyStep.CHECKPOINT_DONE) {
            checkpointNanos.add(now - stepNanos[ApplyStep.CHECKPOINT_STARTING.ordinal()]);
        }
        StreamFollower f = follower;
        if (step != ApplyStep.POSITION_WRITTEN || f == null) {
            return;
        }
        // Reentrant: the applier calls us holding its own monitor, so this is the position just written.
        Pos p = f.visiblePosition().orElseThrow();
        visibleNanos.add(now);
        committedNanos.add(stepNanos[ApplyStep.COMMITTED.ordinal()]);
        indexes.add(p.index());
        offsets.add(p.offset());
        long before = previousVisibleNanos;
        for (int i = 0; i < STEPS.length; i++) {
            long at = stepNanos[STEPS[i].ordinal()];
            intervals[i].add(at >= before && before > 0 ? at - before : -1);
            before = at;
        }
        previousVisibleNanos = now;
    }

    /** On the follower's thread, as each WAL segment arrives: where the transport's share of the lag ends. */
    @Override
    public synchronized void received(Pos end) {
        receivedNanos.add(System.nanoTime());
        receivedIndexes.add(end.index());
        receivedOffsets.add(end.offset());
    }

    /** When each WAL segment's end reached the follower. */
    synchronized PositionEvents received() {
        return new PositionEvents(receivedNanos.toArray(), receivedIndexes.toArray(), receivedOffsets.toArray());
    }

    /** When each applied position became the visible position. */
    synchronized PositionEvents visible() {
        return new PositionEvents(visibleNanos.toArray(), indexes.toArray(), offsets.toArray());
    }

    /** When each applied position's transaction committed in the local database. */
    synchronized PositionEvents committed() {
        return new PositionEvents(committedNanos.toArray(), indexes.toArray(), offsets.toArray());
    }

    /**
     * Per batch, the nanoseconds between consecutive steps of {@link #STEPS}; the first interval runs from the
     * previous batch's visibility (so it also holds the wait for data when the follower is idle). -1: not known.
     */
    synchronized long[][] intervals() {
        long[][] out = new long[STEPS.length][];
        for (int i = 0; i < STEPS.length; i++) {
            out[i] = intervals[i].toArray();
        }
        return out;
    }

    synchronized long[] checkpoints() {
        return checkpointNanos.toArray();
    }
}

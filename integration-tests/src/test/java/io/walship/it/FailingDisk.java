package io.walship.it;

import io.walship.follower.ApplyStep;
import io.walship.follower.StepListener;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A disk that fills up on command, for a follower in this JVM: while full at a step, reaching that apply step
 * throws what the next write would meet on a full disk. Steps are reported right after a write completes, so
 * failing there fails the write that follows (the WAL frames after its header, the wal-index after the frames, the
 * rename after a temp file, the checkpoint, ...).
 */
final class FailingDisk implements StepListener {
    static final String ENOSPC = "No space left on device";

    private volatile Set<ApplyStep> full = EnumSet.noneOf(ApplyStep.class);
    private final Map<ApplyStep, AtomicInteger> failures = new ConcurrentHashMap<>();

    /** From now on, every time the follower reaches {@code step}, the next write fails. */
    void fullAt(ApplyStep step) {
        full = EnumSet.of(step);
    }

    /** Space is back. */
    void heal() {
        full = EnumSet.noneOf(ApplyStep.class);
    }

    int failures(ApplyStep step) {
        AtomicInteger n = failures.get(step);
        return n == null ? 0 : n.get();
    }

    @Override
    public void reached(ApplyStep step) throws IOException {
        if (full.contains(step)) {
            failures.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
            throw new IOException(ENOSPC);
        }
    }
}

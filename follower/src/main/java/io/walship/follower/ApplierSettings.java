package io.walship.follower;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link FollowerApplier}.
 *
 * @param checkpointWalBytes try a TRUNCATE checkpoint after an apply once the local WAL is larger than this
 * @param lockWait           how long an apply waits for the write lock before giving up (only a forbidden local
 *                           writer or a stuck process holds it that long)
 * @param steps              observer of the apply steps (fault injection in tests)
 */
public record ApplierSettings(long checkpointWalBytes, Duration lockWait, StepListener steps) {

    public ApplierSettings {
        Objects.requireNonNull(lockWait, "lockWait");
        Objects.requireNonNull(steps, "steps");
    }

    /**
     * Checkpoints past 1 MiB of WAL: every apply's recovery rescans the whole WAL (about 0.5 ms per MiB here), and
     * a TRUNCATE checkpoint costs a few ms whatever its size, so 1 MiB keeps both out of the lag's p99 at 1,000
     * commits/s (4 MiB: recovery 0.8-0.9 ms per batch; 256 KiB: a checkpoint every ~50 batches).
     */
    public static ApplierSettings defaults() {
        return new ApplierSettings(1L << 20, Duration.ofSeconds(30), StepListener.NONE);
    }

    public ApplierSettings withSteps(StepListener listener) {
        return new ApplierSettings(checkpointWalBytes, lockWait, listener);
    }

    public ApplierSettings withCheckpointWalBytes(long bytes) {
        return new ApplierSettings(bytes, lockWait, steps);
    }
}

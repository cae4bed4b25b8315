package io.walship.primary.capture;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a captured database counts for Litestream's metrics ({@code litestream_sync_*},
 * {@code litestream_checkpoint_*{mode}}, {@code litestream_total_wal_bytes}): plain adders, bumped where the
 * events happen and read by the metrics renderer, never reset.
 */
public final class CaptureCounters {
    private final LongAdder syncs = new LongAdder();
    private final LongAdder syncErrors = new LongAdder();
    private final LongAdder syncNanos = new LongAdder();
    private final LongAdder walBytes = new LongAdder();
    private final Map<CheckpointMode, LongAdder> checkpoints = adders();
    private final Map<CheckpointMode, LongAdder> checkpointErrors = adders();
    private final Map<CheckpointMode, LongAdder> checkpointNanos = adders();

    private static Map<CheckpointMode, LongAdder> adders() {
        Map<CheckpointMode, LongAdder> m = new EnumMap<>(CheckpointMode.class);
        for (CheckpointMode mode : CheckpointMode.values()) {
            m.put(mode, new LongAdder());
        }
        return m;
    }

    void sync(long nanos, boolean failed) {
        syncs.increment();
        syncNanos.add(nanos);
        if (failed) {
            syncErrors.increment();
        }
    }

    void checkpoint(CheckpointMode mode, long nanos, boolean failed) {
        checkpoints.get(mode).increment();
        checkpointNanos.get(mode).add(nanos);
        if (failed) {
            checkpointErrors.get(mode).increment();
        }
    }

    void walBytes(long n) {
        walBytes.add(n);
    }

    public long syncs() {
        return syncs.sum();
    }

    public long syncErrors() {
        return syncErrors.sum();
    }

    public double syncSeconds() {
        return syncNanos.sum() / 1e9;
    }

    /** Bytes of committed WAL copied into the shadow WAL. */
    public long walBytes() {
        return walBytes.sum();
    }

    public long checkpoints(CheckpointMode mode) {
        return checkpoints.get(mode).sum();
    }

    public long checkpointErrors(CheckpointMode mode) {
        return checkpointErrors.get(mode).sum();
    }

    public double checkpointSeconds(CheckpointMode mode) {
        return checkpointNanos.get(mode).sum() / 1e9;
    }
}

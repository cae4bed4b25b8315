package io.walship.primary.restore;

import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import java.time.Instant;
import java.util.List;

/**
 * Everything one generation holds, as listed (snapshots by index, segments by (index, offset)).
 *
 * @param generation 16-hex generation id
 */
public record GenerationListing(String generation, List<SnapshotInfo> snapshots, List<WalSegmentInfo> segments) {

    public GenerationListing {
        snapshots = List.copyOf(snapshots);
        segments = List.copyOf(segments);
    }

    public boolean isEmpty() {
        return snapshots.isEmpty() && segments.isEmpty();
    }

    /** Earliest creation time over snapshots and segments (Litestream's generation start); null if empty. */
    public Instant createdAt() {
        Instant min = null;
        for (SnapshotInfo s : snapshots) {
            min = min == null || s.createdAt().isBefore(min) ? s.createdAt() : min;
        }
        for (WalSegmentInfo s : segments) {
            min = min == null || s.createdAt().isBefore(min) ? s.createdAt() : min;
        }
        return min;
    }

    /** Latest creation time over snapshots and segments (Litestream's generation end); null if empty. */
    public Instant updatedAt() {
        Instant max = null;
        for (SnapshotInfo s : snapshots) {
            max = max == null || s.createdAt().isAfter(max) ? s.createdAt() : max;
        }
        for (WalSegmentInfo s : segments) {
            max = max == null || s.createdAt().isAfter(max) ? s.createdAt() : max;
        }
        return max;
    }
}

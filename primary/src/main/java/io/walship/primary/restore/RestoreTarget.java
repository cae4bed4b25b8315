package io.walship.primary.restore;

import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What to restore: one snapshot of one generation, then the WAL of every index from the snapshot's index on,
 * each index's segments in offset order (offset 0 first). No indexes means a snapshot-only restore.
 *
 * @param replica    name of the replica chosen
 * @param updatedAt  the generation's last object time (why it was chosen)
 * @param walIndexes index → its segments, ascending, consecutive from {@code snapshot.index()}
 */
public record RestoreTarget(String replica, String generation, Instant updatedAt, SnapshotInfo snapshot,
                            NavigableMap<Long, List<WalSegmentInfo>> walIndexes) {

    public RestoreTarget {
        walIndexes = Collections.unmodifiableNavigableMap(new TreeMap<>(walIndexes));
    }

    /** Compressed bytes to download: the snapshot plus every segment. */
    public long compressedSize() {
        long n = snapshot.size();
        for (List<WalSegmentInfo> segs : walIndexes.values()) {
            for (WalSegmentInfo s : segs) {
                n += s.size();
            }
        }
        return n;
    }
}

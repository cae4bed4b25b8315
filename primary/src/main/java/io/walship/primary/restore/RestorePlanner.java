package io.walship.primary.restore;

import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Chooses what to restore from listings alone, following Litestream v0.3.13 (replica-format.md §8.1) so both
 * tools pick the same generation, snapshot and segments for the same flags. No I/O.
 */
public final class RestorePlanner {
    private RestorePlanner() {
    }

    public static RestoreTarget plan(List<ReplicaListing> replicas, RestoreCriteria criteria) throws RestoreException {
        if (criteria.hasIndex() && criteria.timestamp() != null) {
            throw new RestoreException("cannot specify index & timestamp to restore");
        }
        Choice choice = chooseGeneration(replicas, criteria);
        GenerationListing gen = choice.generation;
        SnapshotInfo snapshot = chooseSnapshot(gen, criteria);
        NavigableMap<Long, List<WalSegmentInfo>> all = walSegmentMap(gen, criteria);
        NavigableMap<Long, List<WalSegmentInfo>> needed = new TreeMap<>();
        if (!all.isEmpty()) {
            // A cut between a snapshot and its index's first segment can leave the last index below the
            // snapshot's: then the snapshot alone is the answer.
            for (long i = snapshot.index(); i <= all.lastKey(); i++) {
                List<WalSegmentInfo> segs = all.get(i);
                if (segs == null) {
                    throw new RestoreException(String.format(Locale.ROOT, "missing WAL index: %s/%08x", gen.generation(), i));
                }
                needed.put(i, segs);
            }
        }
        return new RestoreTarget(choice.replica, gen.generation(), choice.updatedAt, snapshot, needed);
    }

    private record Choice(String replica, GenerationListing generation, Instant updatedAt) {
    }

    /** Greatest updatedAt wins; on a tie the first listed stays (Litestream compares with a strict "after"). */
    private static Choice chooseGeneration(List<ReplicaListing> replicas, RestoreCriteria c) throws RestoreException {
        Choice best = null;
        boolean replicaFound = false;
        for (ReplicaListing r : replicas) {
            if (c.replica() != null && !c.replica().equals(r.name())) {
                continue;
            }
            replicaFound = true;
            for (GenerationListing g : r.generations()) {
                if (c.generation() != null && !c.generation().equals(g.generation()) || g.isEmpty()) {
                    continue;
                }
                Instant createdAt = g.createdAt();
                Instant updatedAt = g.updatedAt();
                if (c.timestamp() != null && (c.timestamp().isBefore(createdAt) || c.timestamp().isAfter(updatedAt))) {
                    continue;
                }
                if (best == null || updatedAt.isAfter(best.updatedAt)) {
                    best = new Choice(r.name(), g, updatedAt);
                }
            }
        }
        if (c.replica() != null && !replicaFound) {
            throw new RestoreException("replica \"" + c.replica() + "\" not found");
        }
        if (best == null) {
            throw new NoMatchingBackupsException("no matching backups found" + describe(c));
        }
        return best;
    }

    /** -index: last snapshot at or below it; otherwise the newest, not after -timestamp when given. */
    private static SnapshotInfo chooseSnapshot(GenerationListing g, RestoreCriteria c) throws RestoreException {
        SnapshotInfo chosen = null;
        for (SnapshotInfo s : g.snapshots()) {
            if (c.hasIndex()) {
                if (s.index() <= c.index()) {
                    chosen = s;
                }
            } else if (c.timestamp() == null || !s.createdAt().isAfter(c.timestamp())) {
                if (chosen == null || s.createdAt().isAfter(chosen.createdAt())) {
                    chosen = s;
                }
            }
        }
        if (chosen == null) {
            throw new RestoreException("no snapshots available: generation=" + g.generation() + describeLimit(c));
        }
        return chosen;
    }

    /**
     * Segments per index up to the first one past the limit, in listing order. Like Litestream this checks every
     * index of the generation, also those below the chosen snapshot.
     */
    private static NavigableMap<Long, List<WalSegmentInfo>> walSegmentMap(GenerationListing g, RestoreCriteria c)
            throws RestoreException {
        NavigableMap<Long, List<WalSegmentInfo>> map = new TreeMap<>();
        for (WalSegmentInfo s : g.segments()) {
            if (c.timestamp() != null && s.createdAt().isAfter(c.timestamp())) {
                break;
            }
            if (c.hasIndex() && s.index() > c.index()) {
                break;
            }
            List<WalSegmentInfo> offsets = map.computeIfAbsent(s.index(), k -> new ArrayList<>());
            if (offsets.isEmpty() && s.offset() != 0) {
                throw new RestoreException(String.format(Locale.ROOT,
                        "missing initial wal segment: generation=%s index=%08x offset=%d", g.generation(), s.index(), s.offset()));
            }
            if (!offsets.isEmpty() && offsets.get(offsets.size() - 1).offset() >= s.offset()) {
                throw new RestoreException(String.format(Locale.ROOT,
                        "wal segments out of order: generation=%s index=%08x offsets=(%d,%d)", g.generation(), s.index(),
                        offsets.get(offsets.size() - 1).offset(), s.offset()));
            }
            offsets.add(s);
        }
        return map;
    }

    private static String describe(RestoreCriteria c) {
        List<String> parts = new ArrayList<>();
        if (c.replica() != null) {
            parts.add("replica=" + c.replica());
        }
        if (c.generation() != null) {
            parts.add("generation=" + c.generation());
        }
        if (c.timestamp() != null) {
            parts.add("timestamp=" + c.timestamp());
        }
        return parts.isEmpty() ? "" : " (" + String.join(" ", parts) + ")";
    }

    private static String describeLimit(RestoreCriteria c) {
        if (c.hasIndex()) {
            return String.format(Locale.ROOT, " index<=%08x", c.index());
        }
        return c.timestamp() != null ? " timestamp=" + c.timestamp() : "";
    }
}

package io.walship.primary.follow;

import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Picks the generation a follower of the archive should be in: Litestream's choice (the one written to last), but
 * only among generations that began no earlier than the follower's own was last written, so that an archive lagging
 * behind a generation change never takes a follower back to an older one. Generation names are random; only the
 * objects' times order them.
 */
final class ArchiveGenerations {
    private final ReplicaClient client;
    /** Spans of generations with a snapshot; one only grows afterwards, so a cached span errs on the old side. */
    private final Map<String, GenerationSpan> spans = new HashMap<>();

    ArchiveGenerations(ReplicaClient client) {
        this.client = client;
    }

    /**
     * The generation other than {@code current}, with a snapshot and begun at or after {@code since} (null: any),
     * that was written to last; null if there is none.
     */
    GenerationSpan newest(String current, Instant since) throws IOException {
        GenerationSpan best = null;
        for (String g : client.generations()) {
            if (g.equals(current)) {
                continue;
            }
            GenerationSpan s = span(g);
            if (s == null || !s.hasSnapshot() || since != null && s.createdAt().isBefore(since)) {
                continue;
            }
            if (best == null || s.updatedAt().isAfter(best.updatedAt())) {
                best = s;
            }
        }
        return best;
    }

    /** The span of {@code generation} now (listing all its objects), or null if it holds none. */
    GenerationSpan span(String generation) throws IOException {
        GenerationSpan cached = spans.get(generation);
        if (cached != null) {
            return cached;
        }
        Instant first = null;
        Instant last = null;
        boolean snapshot = false;
        for (SnapshotInfo s : client.snapshots(generation)) {
            snapshot = true;
            first = min(first, s.createdAt());
            last = max(last, s.createdAt());
        }
        for (WalSegmentInfo s : client.walSegments(generation)) {
            first = min(first, s.createdAt());
            last = max(last, s.createdAt());
        }
        if (first == null) {
            return null;
        }
        GenerationSpan s = new GenerationSpan(generation, first, last, snapshot);
        if (snapshot) {
            spans.put(generation, s);
        }
        return s;
    }

    static Instant max(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}

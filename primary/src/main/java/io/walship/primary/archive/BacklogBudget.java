package io.walship.primary.archive;

import io.walship.primary.capture.CapturedDatabase;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the shadow WAL a database keeps on disk while its replicas cannot take it (S3 down, credentials
 * expired): warns as the backlog passes 50, 80 and 95% of {@code backlog-budget}, and beyond it drops the oldest
 * shadow WALs. Nothing committed is lost from the database itself; the replicas resume with a new snapshot in the
 * same generation, and only point-in-time restores inside the dropped stretch become impossible.
 */
final class BacklogBudget {
    private static final Logger log = LoggerFactory.getLogger(BacklogBudget.class);
    private static final int[] WARN_PERCENT = {95, 80, 50};

    private final CapturedDatabase db;
    private volatile long budget;
    private volatile long bytes;
    private int warned;

    BacklogBudget(CapturedDatabase db, long budget) {
        this.db = db;
        this.budget = budget;
    }

    long budget() {
        return budget;
    }

    void budget(long next) {
        budget = next;
    }

    /** Bytes of shadow WAL on disk at the last check. */
    long bytes() {
        return bytes;
    }

    /** Measures the backlog, warns when it crosses a threshold upwards, and enforces the budget. */
    synchronized void check(List<ReplicaWorker> workers) throws IOException {
        bytes = db.backlogBytes();
        long limit = budget;
        if (limit <= 0) {
            return;
        }
        int level = 0;
        for (int p : WARN_PERCENT) {
            if (bytes * 100 >= limit * p) {
                level = p;
                break;
            }
        }
        if (level > warned) {
            log.warn("{}: {} bytes of WAL are waiting locally for replicas {} ({}% of backlog-budget {}); beyond the "
                    + "budget the oldest are dropped and those replicas restart from a new snapshot",
                    db.path(), bytes, failing(workers), level, limit);
        }
        warned = level;
        if (bytes > limit) {
            List<Long> dropped = db.dropBacklogBeyond(limit);
            if (!dropped.isEmpty()) {
                long before = bytes;
                bytes = db.backlogBytes();
                log.error("{}: backlog-budget {} exceeded: dropped {} bytes of WAL (indexes {}..{} of generation {}) "
                        + "not yet uploaded; replicas resume with a snapshot when they are reachable, and restores to a "
                        + "point inside the dropped stretch become impossible", db.path(), limit, before - bytes,
                        dropped.get(0), dropped.get(dropped.size() - 1), db.position().generation());
            }
        }
    }

    private static List<String> failing(List<ReplicaWorker> workers) {
        List<String> names = workers.stream().filter(w -> w.health().failures() > 0).map(ReplicaWorker::name).toList();
        return names.isEmpty() ? workers.stream().map(ReplicaWorker::name).toList() : names;
    }
}

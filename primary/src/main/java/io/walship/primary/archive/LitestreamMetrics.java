package io.walship.primary.archive;

import io.walship.primary.capture.CaptureCounters;
import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.capture.CheckpointMode;
import io.walship.primary.metrics.PrometheusText;
import io.walship.primary.replica.ReplicaOperations;
import io.walship.protocol.Pos;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Litestream v0.3's own series, under its names and labels (replica-format.md §11), so dashboards and alerts
 * built for Litestream keep working. Like Litestream's Go client, a labelled series appears only once touched:
 * checkpoint series per mode after the first checkpoint in that mode, errors after the first error, replica
 * positions after the first successful sync, object-store operations once used. walship does not validate replicas
 * ({@code validation-interval} is ignored), so {@code litestream_replica_validation_total} stays at 0, as Litestream's
 * does without that setting.
 */
final class LitestreamMetrics {
    private LitestreamMetrics() {
    }

    static void render(List<Replicator.Entry> entries, StringBuilder sb) {
        PrometheusText out = new PrometheusText(sb);
        dbSeries(out, entries, "litestream_db_size", "gauge", "The current size of the real DB", CapturedDatabase::dbFileSize);
        dbSeries(out, entries, "litestream_wal_size", "gauge", "The current size of the real WAL", CapturedDatabase::walFileSize);
        dbSeries(out, entries, "litestream_total_wal_bytes", "counter", "Total number of bytes written to shadow WAL",
                db -> db.counters().walBytes());
        dbSeries(out, entries, "litestream_shadow_wal_index", "gauge", "The current index of the shadow WAL",
                db -> db.position().index());
        dbSeries(out, entries, "litestream_shadow_wal_size", "gauge", "Current size of shadow WAL, in bytes",
                db -> db.position().offset());
        dbSeries(out, entries, "litestream_sync_count", "counter", "Number of sync operations performed",
                db -> db.counters().syncs());
        dbSeries(out, entries, "litestream_sync_error_count", "counter", "Number of sync errors that have occurred",
                db -> db.counters().syncErrors());
        dbSeries(out, entries, "litestream_sync_seconds", "counter", "Time spent syncing shadow WAL, in seconds",
                db -> db.counters().syncSeconds());
        checkpointSeries(out, entries, "litestream_checkpoint_count", "Number of checkpoint operations",
                (c, m) -> c.checkpoints(m), (c, m) -> c.checkpoints(m));
        checkpointSeries(out, entries, "litestream_checkpoint_error_count", "Number of checkpoint errors",
                (c, m) -> c.checkpointErrors(m), (c, m) -> c.checkpointErrors(m));
        checkpointSeries(out, entries, "litestream_checkpoint_seconds", "Time spent checkpointing WAL, in seconds",
                (c, m) -> c.checkpoints(m), CaptureCounters::checkpointSeconds);
        replicaSeries(out, entries, "litestream_replica_wal_index", "gauge", "The current WAL index", true,
                w -> w.syncedPosition().index());
        replicaSeries(out, entries, "litestream_replica_wal_offset", "gauge", "The current WAL offset", true,
                w -> w.syncedPosition().offset());
        replicaSeries(out, entries, "litestream_replica_wal_bytes", "counter", "The number of WAL bytes written", false,
                w -> w.walBytesWritten());
        validationSeries(out, entries);
        operationSeries(out, ReplicaOperations.global().rows());
    }

    /** Litestream presets both statuses to 0 for every replica. */
    private static void validationSeries(PrometheusText out, List<Replicator.Entry> entries) {
        String name = "litestream_replica_validation_total";
        boolean headed = false;
        for (Replicator.Entry e : entries) {
            for (ReplicaWorker w : e.workers()) {
                if (!headed) {
                    out.family(name, "counter", "The number of validations performed");
                    headed = true;
                }
                for (String status : List.of("error", "ok")) {
                    out.sample(name, 0, "db", e.db().path().toString(), "name", w.name(), "status", status);
                }
            }
        }
    }

    /**
     * A pair appears after its first success; bytes exist for the operations that move object bodies, PUT and GET,
     * as in Litestream.
     */
    private static void operationSeries(PrometheusText out, List<ReplicaOperations.Row> touched) {
        List<ReplicaOperations.Row> rows = touched.stream().filter(r -> r.count() > 0).toList();
        operationFamily(out, "litestream_replica_operation_total", "The number of replica operations performed", rows,
                ReplicaOperations.Row::count);
        operationFamily(out, "litestream_replica_operation_bytes", "The number of bytes used by replica operations",
                rows.stream().filter(r -> r.operation() == ReplicaOperations.Operation.PUT
                        || r.operation() == ReplicaOperations.Operation.GET).toList(), ReplicaOperations.Row::bytes);
    }

    private static void operationFamily(PrometheusText out, String name, String help, List<ReplicaOperations.Row> rows,
                                        ToDoubleFunction<ReplicaOperations.Row> value) {
        if (rows.isEmpty()) {
            return;
        }
        out.family(name, "counter", help);
        for (ReplicaOperations.Row r : rows) {
            out.sample(name, value.applyAsDouble(r), "operation", r.operation().name(), "replica_type", r.replicaType());
        }
    }

    private static void dbSeries(PrometheusText out, List<Replicator.Entry> entries, String name, String type,
                                 String help, ToDoubleFunction<CapturedDatabase> value) {
        if (entries.isEmpty()) {
            return;
        }
        out.family(name, type, help);
        for (Replicator.Entry e : entries) {
            out.sample(name, value.applyAsDouble(e.db()), "db", e.db().path().toString());
        }
    }

    private interface PerMode {
        double get(CaptureCounters counters, CheckpointMode mode);
    }

    /** Series exist for the (db, mode) pairs whose {@code touched} count is above zero. */
    private static void checkpointSeries(PrometheusText out, List<Replicator.Entry> entries, String name, String help,
                                         PerMode touched, PerMode value) {
        boolean headed = false;
        for (Replicator.Entry e : entries) {
            for (CheckpointMode mode : CheckpointMode.values()) {
                CaptureCounters c = e.db().counters();
                if (touched.get(c, mode) == 0) {
                    continue;
                }
                if (!headed) {
                    out.family(name, "counter", help);
                    headed = true;
                }
                out.sample(name, value.get(c, mode), "db", e.db().path().toString(), "mode", mode.name());
            }
        }
    }

    private static void replicaSeries(PrometheusText out, List<Replicator.Entry> entries, String name, String type,
                                      String help, boolean needsSync, ToDoubleFunction<ReplicaWorker> value) {
        boolean headed = false;
        for (Replicator.Entry e : entries) {
            for (ReplicaWorker w : e.workers()) {
                Pos synced = w.syncedPosition();
                if (needsSync && synced == null) {
                    continue;
                }
                if (!headed) {
                    out.family(name, type, help);
                    headed = true;
                }
                out.sample(name, value.applyAsDouble(w), "db", e.db().path().toString(), "name", w.name());
            }
        }
    }
}

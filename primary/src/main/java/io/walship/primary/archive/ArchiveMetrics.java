package io.walship.primary.archive;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The archive's state on {@code /metrics}: per replica when its credentials expire, whether uploads fail and
 * since when, and when its snapshot and retention timers fire next; per database the local WAL backlog against
 * its budget. Times are Unix seconds, absent while unknown.
 */
final class ArchiveMetrics {
    private ArchiveMetrics() {
    }

    static void render(List<Replicator.Entry> entries, StringBuilder sb) {
        PrometheusText out = new PrometheusText(sb);
        replicaGauge(out, entries, "walship_replica_credentials_expiry_timestamp_seconds",
                "When the credentials in use expire.", w -> seconds(w.client().credentialsExpiry()));
        replicaGauge(out, entries, "walship_replica_upload_failures",
                "Consecutive failed uploads (0 while uploads succeed).", w -> (double) w.health().failures());
        replicaGauge(out, entries, "walship_replica_upload_failing_since_timestamp_seconds",
                "Start of the current run of failed uploads.", w -> seconds(w.health().failingSince()));
        replicaGauge(out, entries, "walship_replica_last_upload_success_timestamp_seconds",
                "Last successful sync with the replica.", w -> seconds(w.health().lastSuccess()));
        replicaGauge(out, entries, "walship_replica_next_snapshot_timestamp_seconds",
                "When the snapshot-interval timer fires next.", w -> seconds(w.nextSnapshotAt()));
        replicaGauge(out, entries, "walship_replica_next_retention_check_timestamp_seconds",
                "When the retention timer fires next.", w -> seconds(w.nextRetentionAt()));
        out.family("walship_backlog_bytes", "gauge", "Shadow WAL kept on disk for replicas and followers.");
        for (Replicator.Entry e : entries) {
            out.sample("walship_backlog_bytes", e.backlog().bytes(), "db", e.db().path().toString());
        }
        out.family("walship_backlog_budget_bytes", "gauge", "backlog-budget (0: unlimited).");
        for (Replicator.Entry e : entries) {
            out.sample("walship_backlog_budget_bytes", e.backlog().budget(), "db", e.db().path().toString());
        }
    }

    private static void replicaGauge(PrometheusText out, List<Replicator.Entry> entries, String name, String help,
                                     Function<ReplicaWorker, Double> value) {
        out.family(name, "gauge", help);
        for (Replicator.Entry e : entries) {
            for (ReplicaWorker w : e.workers()) {
                Double v = value.apply(w);
                if (v != null) {
                    out.sample(name, v, "db", e.db().path().toString(), "replica", w.name());
                }
            }
        }
    }

    private static Double seconds(Instant t) {
        return t == null ? null : t.toEpochMilli() / 1000.0;
    }
}

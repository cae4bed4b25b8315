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

    static void render(List<Replicator.Entry> entries, StringBuilder out) {
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
        header(out, "walship_backlog_bytes", "Shadow WAL kept on disk for replicas and followers.");
        for (Replicator.Entry e : entries) {
            line(out, "walship_backlog_bytes", "db=\"" + escape(e.db().path().toString()) + "\"", e.backlog().bytes());
        }
        header(out, "walship_backlog_budget_bytes", "backlog-budget (0: unlimited).");
        for (Replicator.Entry e : entries) {
            line(out, "walship_backlog_budget_bytes", "db=\"" + escape(e.db().path().toString()) + "\"", e.backlog().budget());
        }
    }

    private static void replicaGauge(StringBuilder out, List<Replicator.Entry> entries, String name, String help,
                                     Function<ReplicaWorker, Double> value) {
        header(out, name, help);
        for (Replicator.Entry e : entries) {
            for (ReplicaWorker w : e.workers()) {
                Double v = value.apply(w);
                if (v != null) {
                    line(out, name, "db=\"" + escape(e.db().path().toString()) + "\",replica=\"" + escape(w.name())
                            + "\"", v);
                }
            }
        }
    }

    private static void header(StringBuilder out, String name, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n");
    }

    private static void line(StringBuilder out, String name, String labels, double v) {
        out.append(name).append('{').append(labels).append("} ");
        if (v == Math.rint(v)) {
            out.append((long) v);
        } else {
            out.append(v);
        }
        out.append('\n');
    }

    private static Double seconds(Instant t) {
        return t == null ? null : t.toEpochMilli() / 1000.0;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}

package io.walship.primary.archive;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.walship.primary.metrics.GaugeFamily;
import io.walship.primary.replica.ReplicaOperations;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The archive's state as walship's own meters: per replica when its credentials expire, whether uploads fail and
 * since when, and when its snapshot and retention timers fire next; per database the local WAL backlog against
 * its budget; per replica type and operation the failed object-store requests. Times are Unix seconds, a series
 * is absent while its time is unknown, and series of databases no longer replicated disappear.
 */
final class ArchiveMeters {
    private final MeterRegistry registry;
    private final GaugeFamily credentialsExpiry;
    private final GaugeFamily uploadFailures;
    private final GaugeFamily failingSince;
    private final GaugeFamily lastSuccess;
    private final GaugeFamily nextSnapshot;
    private final GaugeFamily nextRetention;
    private final GaugeFamily backlog;
    private final GaugeFamily budget;
    private final Set<String> operationErrors = ConcurrentHashMap.newKeySet();

    ArchiveMeters(MeterRegistry registry) {
        this.registry = registry;
        credentialsExpiry = new GaugeFamily(registry, "walship_replica_credentials_expiry_timestamp_seconds",
                "When the credentials in use expire.");
        uploadFailures = new GaugeFamily(registry, "walship_replica_upload_failures",
                "Consecutive failed uploads (0 while uploads succeed).");
        failingSince = new GaugeFamily(registry, "walship_replica_upload_failing_since_timestamp_seconds",
                "Start of the current run of failed uploads.");
        lastSuccess = new GaugeFamily(registry, "walship_replica_last_upload_success_timestamp_seconds",
                "Last successful sync with the replica.");
        nextSnapshot = new GaugeFamily(registry, "walship_replica_next_snapshot_timestamp_seconds",
                "When the snapshot-interval timer fires next.");
        nextRetention = new GaugeFamily(registry, "walship_replica_next_retention_check_timestamp_seconds",
                "When the retention timer fires next.");
        backlog = new GaugeFamily(registry, "walship_backlog_bytes", "Shadow WAL kept on disk for replicas and followers.");
        budget = new GaugeFamily(registry, "walship_backlog_budget_bytes", "backlog-budget (0: unlimited).");
    }

    void refresh(List<Replicator.Entry> entries) {
        replicaGauge(credentialsExpiry, entries, w -> seconds(w.client().credentialsExpiry()));
        replicaGauge(uploadFailures, entries, w -> (double) w.health().failures());
        replicaGauge(failingSince, entries, w -> seconds(w.health().failingSince()));
        replicaGauge(lastSuccess, entries, w -> seconds(w.health().lastSuccess()));
        replicaGauge(nextSnapshot, entries, w -> seconds(w.nextSnapshotAt()));
        replicaGauge(nextRetention, entries, w -> seconds(w.nextRetentionAt()));
        Map<Tags, Double> bytes = new HashMap<>();
        Map<Tags, Double> budgets = new HashMap<>();
        for (Replicator.Entry e : entries) {
            Tags db = Tags.of("db", e.db().path().toString());
            bytes.put(db, (double) e.backlog().bytes());
            budgets.put(db, (double) e.backlog().budget());
        }
        backlog.publish(bytes);
        budget.publish(budgets);
        for (ReplicaOperations.Row row : ReplicaOperations.global().rows()) {
            registerOperationErrors(row.replicaType(), row.operation());
        }
    }

    /** A counter per (type, operation) pair that was ever used; they are few and never go away. */
    private void registerOperationErrors(String type, ReplicaOperations.Operation op) {
        if (operationErrors.add(type + "/" + op)) {
            FunctionCounter.builder("walship_replica_operation_errors", ReplicaOperations.global(), ops -> ops.errors(type, op))
                    .tags("replica_type", type, "operation", op.name())
                    .description("Failed object-store requests, by replica type and operation.")
                    .register(registry);
        }
    }

    private static void replicaGauge(GaugeFamily family, List<Replicator.Entry> entries,
                                     Function<ReplicaWorker, Double> value) {
        Map<Tags, Double> values = new HashMap<>();
        for (Replicator.Entry e : entries) {
            for (ReplicaWorker w : e.workers()) {
                Double v = value.apply(w);
                if (v != null) {
                    values.put(Tags.of("db", e.db().path().toString(), "replica", w.name()), v);
                }
            }
        }
        family.publish(values);
    }

    private static Double seconds(Instant t) {
        return t == null ? null : t.toEpochMilli() / 1000.0;
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running primary's {@code /metrics} carries Litestream v0.3's series under Litestream's exact names (no
 * {@code _total}) and labels, and their values follow writes, checkpoints and uploads.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LitestreamMetricsIT {
    /** What a file-replica Litestream run exports (replica-format.md §11): all but checkpoint errors and operations. */
    private static final Set<String> LITESTREAM_NAMES = Set.of("litestream_db_size", "litestream_wal_size",
            "litestream_total_wal_bytes", "litestream_shadow_wal_index", "litestream_shadow_wal_size",
            "litestream_sync_count", "litestream_sync_error_count", "litestream_sync_seconds",
            "litestream_checkpoint_count", "litestream_checkpoint_seconds", "litestream_replica_wal_index",
            "litestream_replica_wal_offset", "litestream_replica_wal_bytes", "litestream_replica_validation_total");
    /** Litestream's only names with the suffix that Micrometer would add to every counter. */
    private static final Set<String> LITESTREAM_TOTALS = Set.of("litestream_replica_validation_total",
            "litestream_replica_operation_total");

    @TempDir
    Path dir;

    @Test
    void litestreamSeriesMoveWithWritesCheckpointsAndUploads() throws Exception {
        Path db = dir.resolve("app.db").toAbsolutePath();
        int port = WalshipProcess.freePort();
        URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        String dbLabel = "{db=\"" + db + "\"}";
        try (SqliteFixture app = SqliteFixture.create(db, 4096);
             RunningProcess walship = WalshipProcess.replicateServing(db, WalshipProcess.fileUrl(dir.resolve("replica")), port)) {
            Connection c = app.connection();
            SqliteFixture.exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)");
            Map<String, Double> before = MetricsScrape.await(metrics, m -> m.containsKey("litestream_replica_wal_index{db=\""
                    + db + "\",name=\"file\"}"), Duration.ofSeconds(60), walship);

            // Over 1000 pages of WAL: the capture loop checkpoints (PASSIVE) at min-checkpoint-page-count.
            for (int i = 0; i < 12; i++) {
                SqliteFixture.exec(c, "INSERT INTO t (payload) SELECT randomblob(4000) FROM "
                        + "(WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM n WHERE x < 100) SELECT x FROM n)");
            }
            String passive = "litestream_checkpoint_count{db=\"" + db + "\",mode=\"PASSIVE\"}";
            String replicaBytes = "litestream_replica_wal_bytes{db=\"" + db + "\",name=\"file\"}";
            Map<String, Double> after = MetricsScrape.await(metrics, m -> m.getOrDefault(passive, 0.0) >= 1
                    && m.getOrDefault(replicaBytes, 0.0) >= 1000 * 4096.0, Duration.ofSeconds(60), walship);

            assertThat(MetricsScrape.names(after)).containsAll(LITESTREAM_NAMES)
                    .noneMatch(n -> n.startsWith("litestream_") && n.endsWith("_total") && !LITESTREAM_TOTALS.contains(n));
            assertThat(after.get("litestream_sync_count" + dbLabel)).isGreaterThan(before.get("litestream_sync_count" + dbLabel));
            assertThat(after.get("litestream_sync_error_count" + dbLabel)).isZero();
            assertThat(after.get("litestream_sync_seconds" + dbLabel)).isPositive();
            assertThat(after.get("litestream_total_wal_bytes" + dbLabel)).isGreaterThanOrEqualTo(1200 * 4096.0);
            assertThat(after.get("litestream_db_size" + dbLabel)).as("the checkpoint moved pages into the database file")
                    .isGreaterThan(1000 * 4096.0);
            assertThat(after.get("litestream_shadow_wal_index" + dbLabel)).as("a complete checkpoint starts a new index")
                    .isGreaterThan(before.get("litestream_shadow_wal_index" + dbLabel));
            assertThat(after.get("litestream_checkpoint_seconds{db=\"" + db + "\",mode=\"PASSIVE\"}")).isPositive();
            assertThat(after.get("litestream_replica_validation_total{db=\"" + db + "\",name=\"file\",status=\"ok\"}"))
                    .as("walship does not validate; Litestream presets the counter").isZero();
            assertThat(after).containsKey("litestream_wal_size" + dbLabel).containsKey("litestream_shadow_wal_size" + dbLabel)
                    .containsKey("litestream_replica_wal_offset{db=\"" + db + "\",name=\"file\"}");
            assertThat(MetricsScrape.get(metrics).body())
                    .contains("# TYPE litestream_sync_count counter\n", "# TYPE litestream_db_size gauge\n");
        }
    }
}

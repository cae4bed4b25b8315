package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.protocol.Pos;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary process ({@code replicate -addr}) and a follower process ({@code follow -addr}), both scraped as
 * Prometheus would: the primary's stream series name the follower and its position, the follower's series name its
 * applied position, and the follower's {@code /healthz} is 503 until its first snapshot and 200 afterwards, also
 * through a short outage of the primary.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FollowerMetricsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void primaryAndFollowerExposeStreamPositionsLagAndHealth() throws Exception {
        Path db = dir.resolve("app.db").toAbsolutePath();
        Path copy = dir.resolve("copy.db").toAbsolutePath();
        int port = WalshipProcess.freePort();
        int followerPort = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        URI primaryMetrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        URI followerMetrics = URI.create("http://127.0.0.1:" + followerPort + "/metrics");
        URI followerHealth = URI.create("http://127.0.0.1:" + followerPort + "/healthz");
        String copyLabel = "{db=\"" + copy + "\"}";
        try (SqliteFixture app = SqliteFixture.create(db, 4096);
             RunningProcess follower = WalshipProcess.follow(primary.followUrl(), copy, "-addr", "127.0.0.1:" + followerPort)) {
            follower.awaitLine(l -> l.contains("serving /metrics and /healthz on"), WAIT);
            HttpResponse<String> starting = MetricsScrape.get(followerHealth);
            assertThat(starting.statusCode()).isEqualTo(503);
            assertThat(starting.body()).isEqualTo("no snapshot applied yet\n");

            Connection c = app.connection();
            SqliteFixture.exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)");
            for (int i = 0; i < 20; i++) {
                SqliteFixture.exec(c, "INSERT INTO t (payload) VALUES (randomblob(2000))");
            }
            try (RunningProcess walship = WalshipProcess.replicateServing(db, WalshipProcess.fileUrl(dir.resolve("replica")), port)) {
                Convergence.await(primary, copy, WAIT, follower::assertAlive);
                Pos at = primary.pos().orElseThrow();

                Map<String, Double> p = MetricsScrape.await(primaryMetrics, m -> sum(m, "walship_stream_follower_position_offset{") == at.offset(),
                        WAIT, walship);
                String followerSeries = p.keySet().stream().filter(k -> k.startsWith("walship_stream_follower_position_offset{"))
                        .findFirst().orElseThrow().substring("walship_stream_follower_position_offset".length());
                assertThat(followerSeries).startsWith("{db=\"" + db + "\",follower=\"127.0.0.1:");
                assertThat(p.get("walship_stream_followers")).isEqualTo(1.0);
                assertThat(p.get("walship_stream_follower_position_index" + followerSeries)).isEqualTo((double) at.index());
                assertThat(p.get("walship_stream_follower_lag_bytes" + followerSeries)).isZero();
                assertThat(p.get("walship_stream_snapshots_total{reason=\"no_position\"}")).isEqualTo(1.0);
                assertThat(p.get("walship_stream_sent_bytes_total")).isGreaterThan(20 * 2000.0);
                assertThat(p.get("litestream_db_size{db=\"" + db + "\"}")).isPositive();
                assertThat(p.get("jvm_threads_live_threads")).isPositive();
                assertThat(p.get("process_uptime_seconds")).isPositive();

                Map<String, Double> f = MetricsScrape.await(followerMetrics,
                        m -> m.getOrDefault("walship_follower_position_offset" + copyLabel, -1.0) == at.offset(), WAIT, follower);
                assertThat(f.get("walship_follower_position_index" + copyLabel)).isEqualTo((double) at.index());
                assertThat(f.get("walship_follower_lag_bytes" + copyLabel)).isZero();
                assertThat(f.get("walship_follower_connected" + copyLabel)).isEqualTo(1.0);
                assertThat(f.get("walship_follower_snapshots_total" + copyLabel)).isEqualTo(1.0);
                assertThat(f.get("walship_follower_apply_seconds_count" + copyLabel)).isGreaterThanOrEqualTo(1.0);
                assertThat(f.get("walship_follower_applied_bytes_total" + copyLabel)).isGreaterThan(20 * 2000.0);
                assertThat(f.get("walship_follower_local_write_resyncs_total" + copyLabel)).isZero();
                assertThat(sum(f, "jvm_memory_used_bytes{area=\"heap\"")).isPositive();
                assertThat(MetricsScrape.names(f)).noneMatch(n -> n.startsWith("litestream_"));
                assertThat(f.get("walship_stream_followers")).as("a relay, with no followers of its own").isZero();
                HttpResponse<String> healthy = MetricsScrape.get(followerHealth);
                assertThat(healthy.statusCode()).isEqualTo(200);
                assertThat(healthy.body()).isEqualTo("ok\n");

                ProcessResult stopped = walship.terminate(WAIT);
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
            }
            Map<String, Double> after = MetricsScrape.await(followerMetrics,
                    m -> m.get("walship_follower_connected" + copyLabel) == 0.0, WAIT, follower);
            assertThat(after.get("walship_follower_reconnects_total" + copyLabel)).isGreaterThanOrEqualTo(1.0);
            assertThat(MetricsScrape.get(followerHealth).statusCode()).as("a short outage is not unhealthy").isEqualTo(200);
            ProcessResult stopped = follower.terminate(WAIT);
            assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        }
    }

    /** The sum of the series starting with {@code prefix} (name and the start of the labels); 0 when none. */
    private static double sum(Map<String, Double> samples, String prefix) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
    }
}

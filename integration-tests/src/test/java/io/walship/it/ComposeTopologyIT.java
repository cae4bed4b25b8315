package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.embeddeds3.EmbeddedS3;
import io.walship.follower.PositionFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/compose.yaml's topology without Docker, each party its own process, built from the compose demo's own
 * parts: an S3 endpoint (embedded, with the compose file's keys and bucket); the primary as the image starts it
 * ({@code docker/entrypoint.sh} with the mounted {@code docker/walship-demo.yml} and the compose environment, so
 * an empty bucket means a fresh database, then {@code docker/demo-writer.sh} under {@code replicate -exec}); two
 * {@code walship follow} processes started once {@code docker/healthcheck.sh} passes. The followers converge on
 * the primary; stopping it (followers first, as compose does) sends SIGTERM to the writer, whose last row is
 * archived before walship exits with the writer's status; a restore from S3 equals the primary.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ComposeTopologyIT {
    private static final int ROWS = 300;
    private static final String WRITER_INTERVAL = "0.01";

    @TempDir
    Path dir;

    @Test
    void primaryWithItsWriterAndTwoFollowersOnS3() throws Exception {
        SqliteShell.require();
        Path repo = RepoRoot.get();
        ComposeFile compose = ComposeFile.load();
        Map<String, String> env = new HashMap<>(compose.environment("primary"));
        String dbName = Path.of(compose.command("primary").get(1)).getFileName().toString();
        Path data = Files.createDirectories(dir.resolve("primary"));
        Path db = data.resolve(dbName);
        int port = WalshipProcess.freePort();
        try (EmbeddedS3 s3 = EmbeddedS3.start(env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))) {
            s3.createBucket(env.get("S3_BUCKET"));
            // What differs from the container: paths, the S3 endpoint and a free port.
            env.put("WALSHIP_DATA", data.toString());
            env.put("S3_ENDPOINT", s3.endpoint().toString());
            env.put("WALSHIP_HEALTH_PORT", Integer.toString(port));
            env.put("WALSHIP_CONFIG", repo.resolve("docker/walship-demo.yml").toString());
            List<String> writer = List.of(repo.resolve("docker/demo-writer.sh").toString(), db.toString(),
                    WRITER_INTERVAL, Integer.toString(ROWS));
            PrimaryHttp http = new PrimaryHttp("127.0.0.1", port, dbName);
            List<Path> copies = List.of(dir.resolve("follower-1").resolve(dbName), dir.resolve("follower-2").resolve(dbName));
            List<RunningProcess> followers = new ArrayList<>();
            try (RunningProcess primary = ContainerEntrypoint.start(env, writer)) {
                try {
                    awaitHealthy(port, primary);
                    for (Path copy : copies) {
                        Files.createDirectories(copy.getParent());
                        followers.add(WalshipProcess.follow(http.followUrl(), copy));
                    }
                    primary.awaitLine(l -> l.contains("demo-writer: " + ROWS + " rows written"), Duration.ofSeconds(120));
                    for (int i = 0; i < copies.size(); i++) {
                        Convergence.await(http, copies.get(i), Duration.ofSeconds(60), followers.get(i)::assertAlive);
                    }
                    assertThat(count(db)).isEqualTo(ROWS);
                    for (Path copy : copies) {
                        DbCompare.assertSameContent(db, copy);
                        assertThat(PositionFile.of(copy).read()).isEqualTo(http.pos());
                    }
                    for (RunningProcess f : followers) {
                        ProcessResult stopped = f.terminate(Duration.ofSeconds(30));
                        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                    }

                    ProcessResult stopped = primary.terminate(Duration.ofSeconds(60));

                    assertThat(stopped.exitCode()).as("the writer's status, passed on\n" + stopped.describe()).isEqualTo(143);
                    assertThat(stopped.stdout()).contains("demo-writer: stopped by SIGTERM after " + ROWS + " rows");
                    assertThat(stopped.stdout() + stopped.stderr()).contains("exited with status 143");
                } finally {
                    followers.forEach(RunningProcess::close);
                }
            }
            Path restored = dir.resolve("restored.db");
            ProcessResult restore = WalshipProcess.run(env, "restore", "-config", env.get("WALSHIP_CONFIG"),
                    "-o", restored.toString(), db.toString());
            assertThat(restore.exitCode()).as(restore.describe()).isZero();
            DbCompare.assertSameContent(db, restored);
            try (Connection c = SqliteFixture.open(restored)) {
                assertThat(SqliteFixture.queryString(c, "SELECT note FROM ticks ORDER BY id DESC LIMIT 1"))
                        .as("the writer's last row, committed after SIGTERM, is in the archive").isEqualTo("stopped by SIGTERM");
            }
        }
    }

    /** Compose's {@code service_healthy} for the primary: the image's healthcheck ({@code GET /healthz}) passes. */
    private static void awaitHealthy(int port, RunningProcess primary) throws InterruptedException {
        List<String> check = List.of(RepoRoot.get().resolve("docker/healthcheck.sh").toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            primary.assertAlive();
            ProcessResult r = RunningProcess.start(check, Map.of("WALSHIP_HEALTH_PORT", Integer.toString(port)), null)
                    .await(Duration.ofSeconds(10));
            if (r.exitCode() == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("healthcheck.sh did not pass within 60 s\n" + r.describe() + "\n" + primary.describe());
            }
            Thread.sleep(200);
        }
    }

    private static int count(Path db) throws Exception {
        try (Connection c = SqliteFixture.open(db)) {
            return SqliteFixture.queryInt(c, "SELECT count(*) FROM ticks");
        }
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.embeddeds3.EmbeddedS3;
import io.walship.follower.PositionFile;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Followers of the S3 archive alone ({@code walship follow s3://...}), with no connection to the primary: one
 * archive written by walship (followed through a config file), one by the real litestream v0.3.13 (followed through
 * the URL form). Under the mixed stream workload, with sync-interval 1 s and the default poll interval, each follower
 * is killed with -9 once, then stopped while retention (4 s) sweeps away the WAL it would need next, and must
 * converge with the primary's database each time. Prints the commit-to-visible lag through the archive.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ArchiveFollowIT {
    private static final String ACCESS = "AKIAWALSHIPARCHIVE";
    private static final String SECRET = "walship-archive-follow-secret";
    private static final String PREFIX = "prod/app.db";
    private static final long SEED = 4242L;
    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static EmbeddedS3 s3;

    @TempDir
    Path dir;
    private String bucket;
    private Path db;
    private Path fdb;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = EmbeddedS3.start(ACCESS, SECRET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void freshBucket() {
        bucket = "archive-" + BUCKETS.incrementAndGet();
        s3.createBucket(bucket);
        db = dir.resolve("app.db");
        fdb = dir.resolve("follower").resolve("app.db");
    }

    @Test
    void followsAnArchiveWrittenByWalship() throws Exception {
        int port = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        Path primaryConfig = LitestreamBinary.writeConfig(dir.resolve("walship.yml"),
                "addr: 127.0.0.1:" + port + "\n" + replicaConfig(db));
        try (SqliteFixture app = SqliteFixture.create(db, 4096);
             RunningProcess walship = WalshipProcess.start("replicate", "-config", primaryConfig.toString())) {
            walship.awaitLine(l -> l.contains("serving followers on"), WalshipProcess.TIMEOUT);
            String report = scenario(app, this::followWithConfig, () -> {
                long ms = Convergence.await(primary, fdb, CONVERGE, walship::assertAlive);
                assertThat(PositionFile.of(fdb).read()).isEqualTo(primary.pos());
                return ms;
            });
            System.out.println("ArchiveFollowIT walship archive: " + report);
            assertThat(walship.terminate(WalshipProcess.TIMEOUT).exitCode()).isZero();
        }
    }

    @Test
    void followsAnArchiveWrittenByLitestream() throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        Path config = LitestreamBinary.writeConfig(dir.resolve("litestream.yml"), replicaConfig(db));
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            try (RunningProcess replicate = litestream.replicate(config)) {
                replicate.awaitLine(l -> l.contains("snapshot written"), LitestreamBinary.TIMEOUT);
                String report = scenario(app, this::followWithUrl, () -> awaitSameContent(app, replicate));
                Pos at = PositionFile.of(fdb).read().orElseThrow();
                assertThat(s3.keys(bucket)).as("the follower is in a generation litestream wrote")
                        .anyMatch(k -> k.startsWith(PREFIX + "/generations/" + at.generation() + "/"));
                System.out.println("ArchiveFollowIT litestream archive: " + report);
                // litestream v0.3.13 may hang in its closing checkpoint after SIGTERM; the archive is complete already.
                replicate.kill();
            }
        }
    }

    /** What to run to start a follower, and how to wait until it has everything (returning the milliseconds). */
    private interface Start {
        RunningProcess start() throws Exception;
    }

    private interface Converge {
        long await() throws Exception;
    }

    /**
     * Load with a kill -9 in the middle, a retention sweep while the follower is down, then the lag probes; returns
     * the figures.
     */
    private String scenario(SqliteFixture app, Start follow, Converge converge) throws Exception {
        StreamWorkload work = new StreamWorkload(app.connection(), SEED, 4096, null);
        work.createSchema();
        RunningProcess follower = follow.start();
        try {
            Convergence.awaitFirstSnapshot(fdb, CONVERGE, follower::assertAlive);
            for (int r = 0; r < 6; r++) {
                work.round(r);
                if (r == 2) {
                    follower.kill();
                    follower = follow.start();
                }
            }
            long afterKill = converge.await();
            assertSameContent(app, work);

            Pos left = PositionFile.of(fdb).read().orElseThrow();
            follower.terminate(WalshipProcess.TIMEOUT);
            for (int r = 6; r < 12; r++) {
                work.round(r);
            }
            awaitPruned(left);
            follower = follow.start();
            long afterSweep = converge.await();
            follower.awaitLine(l -> l.contains("continuing from a snapshot"), WalshipProcess.TIMEOUT);
            assertSameContent(app, work);

            List<long[]> lag = CommitToVisible.measure(app.connection(), List.of(fdb), 20, Duration.ofMillis(250),
                    CONVERGE);
            converge.await();
            assertSameContent(app, work);
            ProcessResult stopped = follower.terminate(WalshipProcess.TIMEOUT);
            assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
            return work.ledger().committed() + " ledger transactions; converged " + afterKill
                    + " ms after the load with a kill -9 in it, " + afterSweep + " ms after a restart past a retention"
                    + " sweep; commit to visible through the archive (sync-interval 1s, poll-interval 1s): "
                    + CommitToVisible.summary(lag.get(0));
        } finally {
            follower.kill();
        }
    }

    private RunningProcess followWithConfig() {
        Path config = LitestreamBinary.writeConfig(dir.resolve("follower.yml"), """
                dbs:
                  - path: %s
                    upstream:
                      url: s3://%s/%s
                      endpoint: %s
                      region: us-east-1
                      force-path-style: true
                      access-key-id: %s
                      secret-access-key: %s
                """.formatted(fdb, bucket, PREFIX, s3.endpoint(), ACCESS, SECRET));
        return WalshipProcess.start("follow", "-config", config.toString());
    }

    private RunningProcess followWithUrl() {
        String url = "s3://" + bucket + "/" + PREFIX + "?endpoint=" + s3.endpoint() + "&region=us-east-1&force-path-style=true";
        return WalshipProcess.start(Map.of("AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", SECRET),
                "follow", url, fdb.toString());
    }

    /** The database and its S3 replica, in the keys walship and litestream share; retention sweeps every second. */
    private String replicaConfig(Path database) {
        return LitestreamConfig.s3(database, s3.endpoint().toString(), bucket, PREFIX, ACCESS, SECRET, "1s",
                "retention: 4s", "retention-check-interval: 1s");
    }

    /** Waits until retention removed the WAL index after {@code pos} (or its whole generation) from the archive. */
    private void awaitPruned(Pos pos) throws Exception {
        String gen = PREFIX + "/generations/" + pos.generation() + "/wal/";
        String index = String.format("%08x_", pos.index());
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (s3.keys(bucket).stream().anyMatch(k -> k.startsWith(gen + index))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("retention did not remove WAL index " + pos.index() + " of " + pos.generation());
            }
            Thread.sleep(200);
        }
    }

    /** Waits until the follower's database equals the application's, which litestream has archived by then. */
    private long awaitSameContent(SqliteFixture app, RunningProcess writer) throws Exception {
        long start = System.nanoTime();
        long deadline = start + CONVERGE.toNanos();
        while (true) {
            writer.assertAlive();
            try {
                DbCompare.assertSameContent(app.connection(), fdb);
                return (System.nanoTime() - start) / 1_000_000;
            } catch (AssertionError | SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
    }

    private void assertSameContent(SqliteFixture app, StreamWorkload work) throws Exception {
        DbCompare.assertSameContent(app.connection(), fdb);
        assertThat(Ledger.verifyPrefix(fdb, SEED)).isEqualTo(work.ledger().committed());
        DbCompare.assertIntegrityOk(fdb);
    }
}

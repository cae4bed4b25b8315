package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.embeddeds3.EmbeddedS3;
import io.walship.primary.replica.S3ReplicaClient;
import io.walship.primary.replica.S3Settings;
import io.walship.protocol.Pos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An S3 replica behind {@link FaultProxy} while the application keeps committing: in turns S3 is unreachable
 * (connections reset), answers every request 503 SlowDown or 500 InternalError, answers every other new connection 503, is slow
 * (every chunk delayed), stalls (connections open, no byte moves), and is unreachable while the primary is killed
 * -9 and restarted. The primary must report each failure, catch up once S3 is back, and after every round the
 * replica restores (walship's restore every round; litestream and the walship CLI in some) to a committed prefix
 * holding at least what the primary reported archived. At the end a clean stop archives everything.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3FaultsIT {
    private static final long SEED = 5_033L;
    private static final String KEY = "AKIACHAOSFAULTS01";
    private static final String SECRET = "chaos-secret-0123456789";
    private static final String BUCKET = "chaos";
    private static final Duration FAULT = Duration.ofSeconds(3);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    private enum Fault { OUTAGE, SLOW_DOWN_503, INTERNAL_ERROR_500, SLOW, STALL, EVERY_OTHER_503, KILL_DURING_OUTAGE }

    @TempDir
    Path dir;

    @Test
    void everyArchivedTransactionSurvivesS3FailuresAndKills() throws Exception {
        int rounds = ChaosRounds.of(Fault.values().length);
        LitestreamBinary litestream = LitestreamBinary.locate();
        Path db = dir.resolve("app.db");
        int port = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        CommitPositions positions = new CommitPositions();
        ArchiveCheck archive = new ArchiveCheck(dir, SEED, positions);
        List<String> figures = new ArrayList<>();
        try (EmbeddedS3 s3 = EmbeddedS3.start(KEY, SECRET); FaultProxy proxy = FaultProxy.to(s3.port());
                SqliteFixture app = SqliteFixture.create(db, 4096);
                S3ReplicaClient direct = new S3ReplicaClient(new S3Settings(BUCKET, "app.db", s3.endpoint(), "us-east-1",
                        true, KEY, SECRET, false))) {
            s3.createBucket(BUCKET);
            Path config = Files.writeString(dir.resolve("walship.yml"), "addr: 127.0.0.1:" + port + "\n"
                    + LitestreamConfig.s3(db, "http://127.0.0.1:" + proxy.port(), BUCKET, "app.db", KEY, SECRET));
            Path restoreConfig = LitestreamBinary.writeConfig(dir.resolve("litestream.yml"),
                    LitestreamConfig.s3(db, s3.endpoint().toString(), BUCKET, "app.db", KEY, SECRET));
            String url = "s3://" + BUCKET + "/app.db?endpoint=" + s3.endpoint() + "&region=us-east-1&force-path-style=true";
            Map<String, String> keys = Map.of("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET);
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            RunningProcess walship = WalshipProcess.replicateConfig(config);
            try (AppWriter writer = new AppWriter("ledger-writer", 20, positions.commitAndRecord(ledger, primary))) {
                Convergence.awaitArchived(primary, null, CATCH_UP, walship::assertAlive);
                for (int r = 0; r < rounds; r++) {
                    Fault fault = Fault.values()[r % Fault.values().length];
                    String when = "round " + r + " (" + fault + ")";
                    int failedBefore = failures(walship);
                    long answeredBefore = proxy.answered();
                    long resetsBefore = proxy.resets();
                    Pos before = Convergence.awaitArchived(primary, null, CATCH_UP, walship::assertAlive);
                    switch (fault) {
                        case OUTAGE -> proxy.drop();
                        case SLOW_DOWN_503 -> proxy.answer(503, 1);
                        case INTERNAL_ERROR_500 -> proxy.answer(500, 1);
                        case EVERY_OTHER_503 -> proxy.answer(503, 2);
                        case SLOW -> proxy.delay(Duration.ofMillis(200));
                        case STALL -> proxy.stall();
                        case KILL_DURING_OUTAGE -> {
                            proxy.drop();
                            Thread.sleep(1000);
                            walship.kill();
                            walship = WalshipProcess.replicateConfig(config);
                        }
                    }
                    Thread.sleep(FAULT.toMillis());
                    writer.check();
                    switch (fault) {
                        case OUTAGE, KILL_DURING_OUTAGE -> assertThat(proxy.resets()).as(when).isGreaterThan(resetsBefore);
                        case SLOW_DOWN_503, INTERNAL_ERROR_500, EVERY_OTHER_503 ->
                                assertThat(proxy.answered()).as(when).isGreaterThan(answeredBefore);
                        case SLOW -> assertThat(primary.archived()).as(when + ": uploads go on, slowly")
                                .hasValueSatisfying(p -> assertThat(p).isGreaterThan(before));
                        case STALL -> { }
                    }
                    if (fault != Fault.SLOW && fault != Fault.STALL && fault != Fault.EVERY_OTHER_503) {
                        assertThat(failures(walship)).as(when + ": the primary reports failed uploads\n" + walship.describe())
                                .isGreaterThan(fault == Fault.KILL_DURING_OUTAGE ? 0 : failedBefore);
                    }
                    proxy.forward();
                    long healed = System.nanoTime();
                    Pos archived = Convergence.awaitArchived(primary, primary.pos().orElseThrow(), CATCH_UP, walship::assertAlive);
                    long caughtUp = (System.nanoTime() - healed) / 1_000_000;
                    DbCompare.Restore restore = r % 4 == 2 ? archive.litestream(litestream, restoreConfig, db)
                            : r == 5 ? archive.walshipCli(url, keys) : archive.walship(direct);
                    long k = archive.check(when, archived, ledger::committing, restore);
                    figures.add(fault + ": caught up in " + caughtUp + " ms, restored " + k);
                }
                writer.stop();
                ProcessResult stopped = walship.terminate(Duration.ofSeconds(60));
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                Path last = dir.resolve("restore-final.db");
                litestream.restoreWithConfig(restoreConfig, db, last);
                assertThat(Ledger.verifyPrefix(last, SEED)).isEqualTo(ledger.committed());
                DbCompare.assertSameContent(app.connection(), last);
                System.out.printf("S3FaultsIT: %d rounds, %d transactions, proxy: %d connections, %d reset, %d answered"
                        + " with an error; %s%n", rounds, ledger.committed(), proxy.accepted(), proxy.resets(),
                        proxy.answered(), figures);
            } finally {
                walship.close();
            }
        }
    }

    /** Failed uploads the primary has logged so far (each with its attempt count and backlog). */
    private static int failures(RunningProcess walship) {
        return walship.countLines("upload failed");
    }
}

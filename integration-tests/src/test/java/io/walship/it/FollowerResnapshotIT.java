package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.follower.PositionFile;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower that cannot continue from its position re-syncs from a snapshot by itself, says why in its log, and
 * converges: after the primary moved to a new generation while the follower was stopped, and after a local write
 * to the follower's database while it runs.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FollowerResnapshotIT {
    private static final long SEED = 2718L;
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aFollowerRestartedAfterThePrimaryMovedToANewGenerationResnapshots() throws Exception {
        Path db = dir.resolve("app.db");
        Path fdb = dir.resolve("follower.db");
        String replica = WalshipProcess.fileUrl(dir.resolve("replica"));
        int port = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            Pos before;
            try (RunningProcess walship = WalshipProcess.replicateServing(db, replica, port);
                    RunningProcess follower = WalshipProcess.follow(primary.followUrl(), fdb)) {
                commit(ledger, 60);
                Convergence.await(primary, fdb, CONVERGE, follower::assertAlive);
                before = PositionFile.of(fdb).read().orElseThrow();
                assertThat(follower.terminate(Duration.ofSeconds(30)).exitCode()).isZero();
                assertThat(walship.terminate(Duration.ofSeconds(60)).exitCode()).isZero();
            }
            // With walship down nothing holds the WAL: TRUNCATE empties it, so walship cannot prove continuity.
            commit(ledger, 10);
            SqliteFixture.exec(app.connection(), "PRAGMA wal_checkpoint(TRUNCATE)");
            commit(ledger, 10);
            try (RunningProcess walship = WalshipProcess.replicateServing(db, replica, port)) {
                walship.awaitLine(l -> l.contains("new generation"), WalshipProcess.TIMEOUT);
                commit(ledger, 20);
                try (RunningProcess follower = WalshipProcess.follow(primary.followUrl(), fdb)) {
                    long ms = Convergence.await(primary, fdb, CONVERGE, follower::assertAlive);
                    String line = follower.awaitLine(l -> l.contains("primary sends a snapshot"), WalshipProcess.TIMEOUT);
                    Pos after = PositionFile.of(fdb).read().orElseThrow();
                    assertThat(after.generation()).isNotEqualTo(before.generation());
                    assertThat(Ledger.verifyPrefix(fdb, SEED)).isEqualTo(ledger.committed());
                    DbCompare.assertSameContent(app.connection(), fdb);
                    System.out.printf("FollowerResnapshotIT: generation %s -> %s, converged in %d ms; log: %s%n",
                            before.generation(), after.generation(), ms, line);
                    assertThat(follower.terminate(Duration.ofSeconds(30)).exitCode()).isZero();
                }
                assertThat(walship.terminate(Duration.ofSeconds(60)).exitCode()).isZero();
            }
        }
    }

    @Test
    void aLocalWriteToTheFollowerIsDetectedAndReplacedByASnapshot() throws Exception {
        Path db = dir.resolve("app.db");
        Path fdb = dir.resolve("follower.db");
        String replica = WalshipProcess.fileUrl(dir.resolve("replica"));
        int port = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            try (RunningProcess walship = WalshipProcess.replicateServing(db, replica, port)) {
                try (RunningProcess follower = WalshipProcess.follow(primary.followUrl(), fdb)) {
                    commit(ledger, 40);
                    Convergence.await(primary, fdb, CONVERGE, follower::assertAlive);
                    sqlite3Write(fdb, -1);
                    commit(ledger, 20);
                    long ms = Convergence.await(primary, fdb, CONVERGE, follower::assertAlive);
                    String line = follower.awaitLine(l -> l.contains("written or checkpointed by another process")
                            && l.contains("re-syncing from a snapshot"), WalshipProcess.TIMEOUT);
                    DbCompare.assertSameContent(app.connection(), fdb);
                    System.out.printf("FollowerResnapshotIT: local write while following: converged in %d ms; log: %s%n", ms, line);
                    assertThat(follower.terminate(Duration.ofSeconds(30)).exitCode()).isZero();
                }
                assertThat(walship.terminate(Duration.ofSeconds(60)).exitCode()).isZero();
            }
        }
    }

    /** A write an application should never make on a follower: a row the primary does not have. */
    static void sqlite3Write(Path fdb, int id) {
        RunningProcess p = RunningProcess.start(List.of("sqlite3", "-batch", "-cmd", ".timeout 5000", fdb.toString(),
                "INSERT INTO scratch (id, note) VALUES (" + id + ", 'local write')"), Map.of(), null);
        ProcessResult r = p.await(Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    static void commit(Ledger ledger, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            ledger.commitNext();
        }
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a follower decides when it starts on a database it applied to before: a clean stop resumes at its
 * position (no snapshot); a local write made while it was stopped is detected and replaced by a snapshot.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FollowerRestartIT {
    private static final long SEED = 1618L;
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aCleanlyStoppedFollowerResumesWithoutASnapshot() throws Exception {
        run(false);
    }

    @Test
    void aLocalWriteWhileTheFollowerWasStoppedIsDetected() throws Exception {
        run(true);
    }

    private void run(boolean localWrite) throws Exception {
        Path db = dir.resolve("app.db");
        Path fdb = dir.resolve("follower.db");
        int port = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            try (RunningProcess walship = WalshipProcess.replicateServing(db, WalshipProcess.fileUrl(dir.resolve("replica")), port)) {
                try (RunningProcess follower = WalshipProcess.follow(primary.followUrl(), fdb)) {
                    FollowerResnapshotIT.commit(ledger, 40);
                    Convergence.await(primary, fdb, CONVERGE, follower::assertAlive);
                    assertThat(follower.terminate(Duration.ofSeconds(30)).exitCode()).isZero();
                }
                if (localWrite) {
                    // sqlite3 is the last connection and checkpoints its write into the database file on close.
                    FollowerResnapshotIT.sqlite3Write(fdb, -2);
                }
                FollowerResnapshotIT.commit(ledger, 5);
                try (RunningProcess follower = WalshipProcess.follow(primary.followUrl(), fdb)) {
                    Convergence.await(primary, fdb, CONVERGE, follower::assertAlive);
                    ProcessResult stopped = follower.terminate(Duration.ofSeconds(30));
                    if (localWrite) {
                        assertThat(stopped.stderr()).as(stopped.describe()).contains("changed while the follower was stopped")
                                .contains("primary sends a snapshot");
                    } else {
                        assertThat(stopped.stderr()).as(stopped.describe()).doesNotContain("changed while the follower was stopped")
                                .doesNotContain("primary sends a snapshot");
                    }
                    assertThat(Ledger.verifyPrefix(fdb, SEED)).isEqualTo(ledger.committed());
                    DbCompare.assertSameContent(app.connection(), fdb);
                }
                assertThat(walship.terminate(Duration.ofSeconds(60)).exitCode()).isZero();
            }
        }
    }
}

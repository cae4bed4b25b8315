package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generation is a promise of continuity: walship must keep it while it can prove no frame was missed — across
 * a clean restart with the app holding the database open, and through its own checkpoints while the app keeps
 * writing (whichever connection then restarts the WAL).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GenerationIT {
    private static final long SEED = 77L;

    @TempDir
    Path dir;

    @Test
    void generationSurvivesACleanRestart() throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        Path db = dir.resolve("app.db");
        String replica = WalshipProcess.fileUrl(dir.resolve("replica"));
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            // ~8 MB per run: walship checkpoints and restarts the WAL in each run, the second after its own restart.
            try (RunningProcess walship = WalshipProcess.replicate(db, replica)) {
                commit(ledger, 400);
                assertCleanStop(walship);
            }
            commit(ledger, 5); // while no walship runs: the restarted one picks these up from the WAL
            long indexBefore = maxIndex(litestream, replica);
            try (RunningProcess walship = WalshipProcess.replicate(db, replica)) {
                commit(ledger, 400);
                assertCleanStop(walship);
                assertThat(walship.stderr()).as(walship.describe()).doesNotContain("new generation");
            }
            assertThat(litestream.generations(replica)).hasSize(1);
            assertThat(maxIndex(litestream, replica)).as("the second run checkpointed too").isGreaterThan(indexBefore);
            Path out = dir.resolve("restored.db");
            litestream.restore(replica, out);
            assertThat(Ledger.verifyPrefix(out, SEED)).isEqualTo(ledger.committed());
            DbCompare.assertSameContent(app.connection(), out);
        }
    }

    @Test
    void generationSurvivesCheckpointsUnderABusyWriter() throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        Path db = dir.resolve("app.db");
        String replica = WalshipProcess.fileUrl(dir.resolve("replica"));
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            try (RunningProcess walship = WalshipProcess.replicate(db, replica)) {
                // A 1 ms breather between transactions: a writer that never lets go of SQLite's write lock starves
                // walship's checkpoints (they need it for the 1 s busy timeout), and this test is about restarts.
                try (AppWriter writer = new AppWriter("ledger-writer", 1, ledger::commitNext)) {
                    Thread.sleep(8000);
                    writer.stop();
                }
                assertCleanStop(walship);
                long indexes = maxIndex(litestream, replica);
                System.out.printf("GenerationIT: %d transactions, %d WAL indexes%n", ledger.committed(), indexes + 1);
                assertThat(indexes).as("walship checkpointed several times").isGreaterThanOrEqualTo(2);
                assertThat(walship.stderr()).as(walship.describe()).containsOnlyOnce("new generation");
            }
            assertThat(litestream.generations(replica)).hasSize(1);
            Path out = dir.resolve("restored.db");
            litestream.restore(replica, out);
            DbCompare.assertSameContent(app.connection(), out);
        }
    }

    private static long maxIndex(LitestreamBinary litestream, String replica) {
        return litestream.wal(replica).stream().mapToLong(ReplicaListing.Segment::index).max().orElse(0);
    }

    private static void commit(Ledger ledger, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            ledger.commitNext();
        }
    }

    private static void assertCleanStop(RunningProcess walship) {
        ProcessResult stopped = walship.terminate(Duration.ofSeconds(60));
        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of {@code walship replicate} at random moments while the application keeps committing: after every
 * kill the archive must restore (with litestream) to a committed prefix of the application's transactions —
 * never a torn transaction, a gap, or data that was not committed — and after a final clean stop, to all of it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KillNineIT {
    private static final int KILLS = ChaosRounds.of(20);
    private static final long SEED = 20240917L;

    @TempDir
    Path dir;

    @Test
    void everyKillLeavesARestorableCommittedPrefix() throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        Path db = dir.resolve("app.db");
        String replica = WalshipProcess.fileUrl(dir.resolve("replica"));
        Random random = new Random(SEED);
        List<Long> prefixes = new ArrayList<>();
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            try (AppWriter writer = new AppWriter("ledger-writer", 2, ledger::commitNext)) {
                for (int i = 0; i < KILLS; i++) {
                    try (RunningProcess walship = WalshipProcess.replicate(db, replica)) {
                        Thread.sleep(200 + random.nextInt(2300));
                        walship.kill();
                    }
                    long committedAtKill = ledger.committed();
                    writer.check();
                    Path out = dir.resolve("restore-" + i + ".db");
                    litestream.restore(replica, out, "-if-replica-exists");
                    long k = Files.exists(out) ? Ledger.verifyPrefix(out, SEED) : 0;
                    assertThat(k).as("kill %d: restored transactions 1..%d, but only %d were committed", i, k, committedAtKill)
                            .isLessThanOrEqualTo(committedAtKill);
                    prefixes.add(k);
                }
                try (RunningProcess walship = WalshipProcess.replicate(db, replica)) {
                    Thread.sleep(1000);
                    writer.stop();
                    ProcessResult stopped = walship.terminate(Duration.ofSeconds(60));
                    assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                }
            }
            Path last = dir.resolve("restore-final.db");
            litestream.restore(replica, last);
            assertThat(Ledger.verifyPrefix(last, SEED)).isEqualTo(ledger.committed());
            DbCompare.assertSameContent(app.connection(), last);
            System.out.printf("KillNineIT: %d kills, committed %d transactions, restored prefixes %s, generations %d%n",
                    KILLS, ledger.committed(), prefixes, litestream.generations(replica).size());
        }
        assertThat(prefixes).as("a later restore never loses what an earlier one had").isSorted();
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another connection checkpoints behind walship's back (TRUNCATE, RESTART, PASSIVE, over and over) while the app
 * writes. walship may start a new generation when it cannot prove continuity, but the archive must never diverge:
 * after the final sync, litestream restores exactly the source.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExternalCheckpointIT {
    enum Mode { TRUNCATE, RESTART, PASSIVE }

    @TempDir
    Path dir;

    @Test
    void foreignCheckpointsNeverMakeTheArchiveDiverge() throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        Path db = dir.resolve("app.db");
        String replica = WalshipProcess.fileUrl(dir.resolve("replica"));
        Map<Mode, AtomicInteger> completed = new EnumMap<>(Mode.class);
        for (Mode m : Mode.values()) {
            completed.put(m, new AtomicInteger());
        }
        try (SqliteFixture app = SqliteFixture.create(db, 4096);
                Connection checkpointer = SqliteFixture.open(db)) {
            // Short: a checkpoint that waits for walship's reader should give up and come back, not stall.
            SqliteFixture.exec(checkpointer, "PRAGMA busy_timeout = 100");
            Workload w = new Workload(app.connection(), 4242);
            w.createSchema();
            AtomicInteger round = new AtomicInteger();
            try (RunningProcess walship = WalshipProcess.replicate(db, replica)) {
                try (AppWriter writer = new AppWriter("app-writer", 1, () -> {
                            if (round.incrementAndGet() % 60 == 0) {
                                w.bigTransaction(2 << 20);
                            } else {
                                w.step();
                            }
                        });
                        AppWriter checkpoints = new AppWriter("foreign-checkpointer", 20, () -> {
                            Mode m = Mode.values()[(int) (round.get() % Mode.values().length)];
                            if (checkpoint(checkpointer, m)) {
                                completed.get(m).incrementAndGet();
                            }
                        })) {
                    Thread.sleep(10_000);
                    checkpoints.stop();
                    writer.stop();
                }
                ProcessResult stopped = walship.terminate(Duration.ofSeconds(60));
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
            }
            Path out = dir.resolve("restored.db");
            litestream.restore(replica, out);
            DbCompare.assertSameContent(app.connection(), out);

            // With walship stopped nothing holds the WAL back: a TRUNCATE empties it and the app writes on.
            assertThat(checkpoint(checkpointer, Mode.TRUNCATE)).isTrue();
            w.steps(20);
            try (RunningProcess walship = WalshipProcess.replicate(db, replica)) {
                w.steps(20);
                ProcessResult stopped = walship.terminate(Duration.ofSeconds(60));
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
            }
            Path again = dir.resolve("restored-after-truncate.db");
            litestream.restore(replica, again);
            DbCompare.assertSameContent(app.connection(), again);
            System.out.printf("ExternalCheckpointIT: %d app transactions, complete foreign checkpoints %s, generations %d%n",
                    round.get(), completed, litestream.generations(replica).size());
        }
    }

    /** True if the checkpoint was not blocked and copied the whole WAL. */
    private static boolean checkpoint(Connection c, Mode mode) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            rs.next();
            return rs.getInt(1) == 0 && rs.getInt(2) == rs.getInt(3);
        }
    }
}

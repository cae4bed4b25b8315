package io.walship.primary.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.FileReplicaClient;
import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.restore.LogRestoreProgress;
import io.walship.primary.restore.ReplicaListing;
import io.walship.primary.restore.RestoreCriteria;
import io.walship.primary.restore.RestorePlanner;
import io.walship.primary.restore.Restorer;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that is unreachable for a while (S3 down, credentials expired): the primary keeps capturing, backs
 * off, and afterwards uploads everything in order in the same generation; past the backlog budget it drops the
 * oldest local WAL and the replica resumes from a snapshot, still in the same generation and with nothing lost.
 */
class ReplicaOutageTest {
    @TempDir
    Path dir;
    Connection app;
    Replicator replicator;
    SwitchableReplica replica;
    Path dbPath;
    final JumpingClock clock = new JumpingClock();

    @BeforeEach
    void setUp() throws Exception {
        dbPath = dir.resolve("app.db");
        app = DriverManager.getConnection("jdbc:sqlite:" + dbPath);
        exec("PRAGMA journal_mode=wal");
        exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        replica = new SwitchableReplica(dir.resolve("replica"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (replicator != null) {
            replicator.close();
        }
        app.close();
    }

    private Replicator.Entry start(long backlogBudget) throws Exception {
        ReplicaConfig rc = new ReplicaConfig(null, "file", null, dir.resolve("replica").toString(), null, null, null,
                null, false, null, null, Duration.ofMillis(50), Duration.ofMinutes(10), Duration.ofHours(24),
                Duration.ofHours(1), Duration.ZERO);
        // Small checkpoint thresholds: the outage spans many WAL indexes.
        DbConfig config = new DbConfig(dbPath, null, null, Duration.ofMillis(100), Duration.ofMinutes(1), 50, 100,
                List.of(rc), null, backlogBudget);
        replicator = new Replicator(c -> replica, clock);
        return replicator.add(config);
    }

    private void exec(String sql) throws Exception {
        try (Statement st = app.createStatement()) {
            st.execute(sql);
        }
    }

    private void write(int transactions) throws Exception {
        for (int i = 0; i < transactions; i++) {
            exec("INSERT INTO t (v) VALUES (randomblob(3000))");
        }
    }

    private static void awaitCaughtUp(Replicator.Entry e) {
        ReplicaWorker w = e.workers().get(0);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Pos p = w.position();
            return p != null && p.equals(e.db().position()) && w.health().failures() == 0;
        });
    }

    private long restoredRows() throws Exception {
        Path out = dir.resolve("restored-" + System.nanoTime() + ".db");
        try (FileReplicaClient client = new FileReplicaClient(dir.resolve("replica"))) {
            new Restorer(2, new LogRestoreProgress()).restore(client,
                    RestorePlanner.plan(List.of(ReplicaListing.load("file", client, null)), RestoreCriteria.LATEST), out);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out);
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void afterAnOutageEverythingIsUploadedInOrderInTheSameGeneration() throws Exception {
        Replicator.Entry e = start(DbConfig.DEFAULT_BACKLOG_BUDGET);
        write(20);
        awaitCaughtUp(e);
        ReplicaWorker w = e.workers().get(0);
        String generation = e.db().position().generation();
        var nextSnapshot = w.nextSnapshotAt();

        replica.down = true;
        long indexBefore = e.db().position().index();
        long[] written = {20};
        // Capture and its checkpoints run on their own thread, independent of the failing uploads. The writer
        // pauses between bursts, as applications do, so the checkpoints can get the write lock on a loaded machine.
        await("capture went on across checkpoints").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    write(10);
                    written[0] += 10;
                    return e.db().position().index() > indexBefore + 2 && w.health().failures() >= 3;
                });
        assertThat(e.backlog().bytes()).isPositive();

        replica.down = false;
        awaitCaughtUp(e);
        assertThat(replica.generations()).containsExactly(generation);
        assertThat(replica.snapshots(generation)).as("no snapshot needed: the WAL is contiguous").hasSize(1);
        assertThat(w.nextSnapshotAt()).isEqualTo(nextSnapshot);
        assertThat(restoredRows()).isEqualTo(written[0]);
    }

    /**
     * NTP (or a device without a battery-backed clock) sets the wall clock back an hour while S3 is down: the
     * upload back-off must not wait for the wall clock to come back, nor must a second generation start.
     */
    @Test
    void aWallClockSetBackDuringAnOutageDoesNotHoldUploadsBack() throws Exception {
        Replicator.Entry e = start(DbConfig.DEFAULT_BACKLOG_BUDGET);
        write(20);
        awaitCaughtUp(e);
        ReplicaWorker w = e.workers().get(0);
        String generation = e.db().position().generation();

        replica.down = true;
        write(50);
        await().atMost(Duration.ofSeconds(30)).until(() -> w.health().failures() >= 4);
        clock.jump(Duration.ofHours(-1));
        write(50);
        replica.down = false;
        awaitCaughtUp(e);
        clock.jump(Duration.ofDays(2));
        write(10);
        awaitCaughtUp(e);
        assertThat(replica.generations()).containsExactly(generation);
        assertThat(restoredRows()).isEqualTo(130);
    }

    @Test
    void beyondTheBacklogBudgetTheReplicaResumesFromASnapshotInTheSameGeneration() throws Exception {
        Replicator.Entry e = start(600_000);
        write(20);
        awaitCaughtUp(e);
        String generation = e.db().position().generation();

        replica.down = true;
        write(800);
        await().atMost(Duration.ofSeconds(30)).until(() -> e.backlog().bytes() > 0 && e.backlog().bytes() <= 600_000
                + 2L * 100 * (4096 + 24));

        replica.down = false;
        awaitCaughtUp(e);
        assertThat(replica.generations()).containsExactly(generation);
        List<SnapshotInfo> snapshots = replica.snapshots(generation);
        assertThat(snapshots).hasSize(2);
        assertThat(snapshots.get(1).index()).isGreaterThan(snapshots.get(0).index());
        assertThat(restoredRows()).isEqualTo(820);
    }

    @Test
    void aReloadKeepsPositionAndTimersAndAppliesTheNewBudget() throws Exception {
        Replicator.Entry e = start(DbConfig.DEFAULT_BACKLOG_BUDGET);
        write(5);
        awaitCaughtUp(e);
        ReplicaWorker w = e.workers().get(0);
        var nextSnapshot = w.nextSnapshotAt();
        var nextRetention = w.nextRetentionAt();
        Pos pos = w.position();
        DbConfig changed = new DbConfig(dbPath, null, null, Duration.ofMillis(100), Duration.ofMinutes(1), 50, 100,
                List.of(w.config()), null, 123_456_789);

        replicator.reload(List.of(changed), Map.of());

        assertThat(replicator.entries()).singleElement().isSameAs(e);
        assertThat(e.workers()).singleElement().isSameAs(w);
        assertThat(w.position()).isEqualTo(pos);
        assertThat(w.nextSnapshotAt()).isEqualTo(nextSnapshot).isNotNull();
        assertThat(w.nextRetentionAt()).isEqualTo(nextRetention).isNotNull();
        assertThat(e.backlog().budget()).isEqualTo(123_456_789);
    }
}

package io.walship.primary.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walship.primary.archive.ReplicaWorker;
import io.walship.primary.archive.Replicator;
import io.walship.primary.capture.CheckpointMode;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.FileReplicaClient;
import io.walship.primary.replica.ReplicaClients;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower of a walship archive alone (a directory replica written by the primary in this JVM): it starts from the
 * snapshot, follows segment after segment across WAL indexes, resumes at its own position after a restart, takes a
 * new snapshot once retention removed the segments it needed, and moves to the generation a restarted primary
 * begins; readers never see it go back.
 */
class ArchiveUpstreamTest {
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void followsTheArchiveAcrossIndexesRestartsAndRetention() throws Exception {
        Path db = dir.resolve("app.db");
        Path replica = dir.resolve("replica");
        Path fdb = dir.resolve("follower.db");
        ReplicaConfig rc = new ReplicaConfig(null, null, "file://" + replica, null, null, null, null, null, false,
                null, null, Duration.ofMillis(100), Duration.ZERO, ReplicaConfig.DEFAULT_RETENTION,
                ReplicaConfig.DEFAULT_RETENTION_CHECK_INTERVAL, Duration.ZERO);
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement();
             Replicator replicator = new Replicator(ReplicaClients::open)) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            Replicator.Entry e = replicator.add(DbConfig.of(db, List.of(rc)));
            ReplicaWorker worker = e.workers().get(0);
            Pos before;
            try (RunningFollower f = follow(fdb, replica)) {
                write(st, e, 0, 300);
                converge(f, e, worker);
                assertThat(f.visible().orElseThrow().index()).as("several WAL indexes were followed").isGreaterThan(2);
                assertSameRows(app, fdb);
                before = f.visible().orElseThrow();
                assertMonotonic(f.exposed());
            }
            write(st, e, 300, 100);
            try (RunningFollower f = follow(fdb, replica)) {
                converge(f, e, worker);
                assertSameRows(app, fdb);
                assertThat(f.exposed().get(0)).as("resumed, no snapshot").isGreaterThan(before);
                before = f.visible().orElseThrow();
            }
            write(st, e, 400, 200);
            await().atMost(CONVERGE).until(() -> e.db().position().equals(worker.position()));
            // Every snapshot is older than the retention by now: it takes a new one and drops the indexes below it.
            Thread.sleep(1100);
            worker.enforceRetention(Duration.ofSeconds(1));
            long oldest = new FileReplicaClient(replica).walSegments(before.generation()).get(0).index();
            assertThat(oldest).as("retention removed the segments after the follower's position")
                    .isGreaterThan(before.index());
            write(st, e, 600, 20);
            try (RunningFollower f = follow(fdb, replica)) {
                converge(f, e, worker);
                assertSameRows(app, fdb);
                assertThat(f.exposed().get(0).index()).as("continued from the new snapshot").isGreaterThanOrEqualTo(oldest);
                assertMonotonic(List.of(before, f.exposed().get(0)));
            }
        }
    }

    @Test
    void movesToANewGenerationOfTheArchive() throws Exception {
        Path db = dir.resolve("app.db");
        Path replica = dir.resolve("replica");
        Path fdb = dir.resolve("follower.db");
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            try (RunningFollower f = follow(fdb, replica)) {
                Pos first;
                try (ServedPrimary primary = new ServedPrimary(db, replica, 0)) {
                    insert(st, 0, 50);
                    first = primary.position();
                    await().atMost(CONVERGE).until(() -> f.visible().filter(first::equals).isPresent());
                }
                // Nothing holds the WAL while the primary is down: a TRUNCATE checkpoint empties it, so the
                // primary's next start cannot prove continuity and begins a new generation.
                insert(st, 50, 10);
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                try (ServedPrimary primary = new ServedPrimary(db, replica, 0)) {
                    insert(st, 60, 20);
                    Pos next = primary.position();
                    assertThat(next.generation()).isNotEqualTo(first.generation());
                    await().atMost(CONVERGE).until(() -> f.visible().filter(next::equals).isPresent());
                }
                assertSameRows(app, fdb);
            }
        }
    }

    private static void insert(Statement st, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            st.execute("INSERT INTO t (id, v) VALUES (" + i + ", 'g" + i + "')");
        }
    }

    private static RunningFollower follow(Path fdb, Path replica) throws Exception {
        return new RunningFollower(fdb, List.of(new ArchiveUpstream(new FileReplicaClient(replica), POLL)));
    }

    /** Rows {@code from..from+n}, with a checkpoint now and then so the WAL restarts in a new index. */
    private static void write(Statement st, Replicator.Entry e, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            st.execute("INSERT INTO t (id, v) VALUES (" + i + ", '" + "x".repeat(i % 97) + "')");
            if (i % 10 == 0) {
                st.execute("UPDATE t SET v = v || 'u' WHERE id % 7 = " + (i % 7));
            }
            if (i % 50 == 49) {
                e.db().checkpoint(CheckpointMode.TRUNCATE);
            }
        }
    }

    /** Until the archive and the follower are at the primary's position (the listener told the follower's too). */
    private static void converge(RunningFollower f, Replicator.Entry e, ReplicaWorker worker) {
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(20)).until(() -> {
            Pos primary = e.db().position();
            List<Pos> exposed = f.exposed();
            return primary.equals(worker.position()) && f.visible().filter(primary::equals).isPresent()
                    && !exposed.isEmpty() && exposed.get(exposed.size() - 1).equals(primary);
        });
    }

    private static void assertSameRows(Connection app, Path fdb) throws Exception {
        try (Connection f = DriverManager.getConnection("jdbc:sqlite:" + fdb)) {
            assertThat(rows(f)).isEqualTo(rows(app));
            try (ResultSet rs = f.createStatement().executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
        }
    }

    private static String rows(Connection c) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*), group_concat(id || v, ',') FROM t")) {
            rs.next();
            return rs.getLong(1) + ":" + rs.getString(2).hashCode();
        }
    }

    private static void assertMonotonic(List<Pos> exposed) {
        for (int i = 1; i < exposed.size(); i++) {
            Pos a = exposed.get(i - 1);
            Pos b = exposed.get(i);
            if (a.generation().equals(b.generation())) {
                assertThat(b).as("exposed positions never go back").isGreaterThan(a);
            }
        }
    }
}

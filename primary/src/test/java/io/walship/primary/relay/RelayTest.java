package io.walship.primary.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walship.follower.FollowerOptions;
import io.walship.follower.PositionFile;
import io.walship.follower.StreamFollower;
import io.walship.follower.UpstreamUrl;
import io.walship.primary.follow.ServedPrimary;
import io.walship.primary.metrics.MetricsPage;
import io.walship.primary.stream.HealthCheck;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import io.walship.protocol.Pos;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Primary → follower A relaying → followers of A: the same positions and generations everywhere, a late follower
 * of the relay starts from the relay's own snapshot, and when the primary starts a new generation the relay's
 * followers move to it too.
 */
class RelayTest {
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        List<AutoCloseable> all = new ArrayList<>(open);
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).close();
        }
    }

    @Test
    void followersOfARelaySeeThePrimarysPositionsAndGenerations() throws Exception {
        Path db = dir.resolve("app.db");
        int port = freePort();
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            ServedPrimary primary = start(db, port);
            Path a = dir.resolve("a.db");
            StreamFollower relayed = start(FollowerOptions.of(url(port), a));
            RelayDatabase relay = RelayDatabase.open(relayed, a, 1 << 20, () -> true);
            StreamServer server = StreamServer.start(Map.of("app.db", relay)::get,
                    StreamServerOptions.defaults().withAddress("127.0.0.1", 0), new MetricsPage(), HealthCheck.ALWAYS_OK);
            open.add(server);
            UpstreamUrl relayUrl = UpstreamUrl.parse("http://127.0.0.1:" + server.port() + "/app.db");
            Path b = dir.resolve("b.db");
            start(FollowerOptions.of(relayUrl, b));

            write(st, primary, 0, 200);
            Pos at = primary.position();
            assertThat(at.index()).as("several WAL indexes").isGreaterThan(2);
            converge(at, a, b);
            assertSameRows(app, a, b);

            Path c = dir.resolve("c.db");
            start(FollowerOptions.of(relayUrl, c));
            write(st, primary, 200, 50);
            at = primary.position();
            converge(at, a, b, c);
            assertSameRows(app, a, b, c);

            primary.close();
            // Nothing holds the WAL while the primary is down: a TRUNCATE checkpoint empties it, so the primary's
            // next start cannot prove continuity and begins a new generation.
            write(st, null, 250, 10);
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            primary = start(db, port);
            write(st, primary, 260, 30);
            Pos next = primary.position();
            assertThat(next.generation()).isNotEqualTo(at.generation());
            converge(next, a, b, c);
            assertSameRows(app, a, b, c);
        }
    }

    private ServedPrimary start(Path db, int port) throws Exception {
        ServedPrimary p = new ServedPrimary(db, dir.resolve("replica"), port);
        open.add(p);
        return p;
    }

    private StreamFollower start(FollowerOptions options) throws Exception {
        StreamFollower f = StreamFollower.open(options.withMaxBackoff(Duration.ofMillis(500)));
        Thread t = new Thread(() -> {
            try {
                f.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "follower-" + options.dbPath().getFileName());
        t.setDaemon(true);
        t.start();
        open.add(f);
        return f;
    }

    private static UpstreamUrl url(int port) {
        return UpstreamUrl.parse("http://127.0.0.1:" + port + "/app.db");
    }

    /** Rows {@code from..from+n}; the primary (if running) checkpoints now and then, starting a new WAL index. */
    private static void write(Statement st, ServedPrimary primary, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            st.execute("INSERT INTO t (id, v) VALUES (" + i + ", '" + "r".repeat(i % 89) + "')");
            if (i % 40 == 39 && primary != null) {
                primary.checkpoint();
            }
        }
    }

    /** Every follower's position file names {@code at}, the primary's position. */
    private static void converge(Pos at, Path... followers) {
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            for (Path f : followers) {
                assertThat(PositionFile.of(f).read()).as(f.toString()).contains(at);
            }
        });
    }

    private static void assertSameRows(Connection app, Path... followers) throws Exception {
        String expected = rows(app);
        for (Path f : followers) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f)) {
                assertThat(rows(c)).as(f.toString()).isEqualTo(expected);
            }
        }
    }

    private static String rows(Connection c) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*), group_concat(id || v, ',') FROM t")) {
            rs.next();
            return rs.getLong(1) + ":" + rs.getString(2).hashCode();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

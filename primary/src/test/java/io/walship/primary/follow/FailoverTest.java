package io.walship.primary.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.walship.follower.ApplierSettings;
import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.StreamUpstream;
import io.walship.follower.Upstream;
import io.walship.follower.UpstreamException;
import io.walship.follower.UpstreamUrl;
import io.walship.primary.replica.FileReplicaClient;
import io.walship.protocol.Pos;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower with the primary's stream first and its archive second: when the stream goes away (the primary keeps
 * archiving), the next session continues from the archive exactly at the follower's position, and readers never see
 * it go back.
 */
class FailoverTest {
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aFollowerFailsOverFromTheStreamToTheArchiveWithoutGoingBack() throws Exception {
        Path replica = dir.resolve("replica");
        Path fdb = dir.resolve("follower.db");
        withPrimary(replica, (st, primary, port) -> {
            UpstreamUrl url = UpstreamUrl.parse("http://127.0.0.1:" + port + "/app.db");
            Upstream stream = StreamUpstream.of(FollowerOptions.of(url, fdb));
            Upstream archive = new ArchiveUpstream(new FileReplicaClient(replica), Duration.ofMillis(50));
            try (RunningFollower f = new RunningFollower(fdb, List.of(stream, archive))) {
                insert(st, 0, 100);
                Pos streamed = primary.position();
                await().atMost(CONVERGE).until(() -> f.visible().filter(streamed::equals).isPresent());
                assertThat(f.follower().upstream()).isSameAs(stream);

                primary.stopServing();
                insert(st, 100, 60);
                primary.checkpoint();
                insert(st, 160, 60);
                Pos end = primary.position();
                await().atMost(CONVERGE).until(() -> f.visible().filter(end::equals).isPresent());
                assertThat(f.follower().upstream()).as("on the archive now").isSameAs(archive);
                assertThat(end.generation()).isEqualTo(streamed.generation());
                List<Pos> exposed = f.exposed();
                for (int i = 1; i < exposed.size(); i++) {
                    assertThat(exposed.get(i)).as("never backwards").isGreaterThan(exposed.get(i - 1));
                }
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + fdb); Statement r = c.createStatement();
                 var rs = r.executeQuery("SELECT count(*), sum(id) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(220);
                assertThat(rs.getLong(2)).isEqualTo(219L * 220 / 2);
            }
        });
    }

    @Test
    void anUpstreamThatRefusesForGoodIsPassedOverAndTheFollowerStopsOnlyWhenAllRefuse() throws Exception {
        Path replica = dir.resolve("replica");
        withPrimary(replica, (st, primary, port) -> {
            insert(st, 0, 50);
            Pos end = primary.position();
            // the primary serves no database of that name: 404, which retrying will not fix
            UpstreamUrl unknown = UpstreamUrl.parse("http://127.0.0.1:" + port + "/other.db");
            Path fdb = dir.resolve("follower.db");
            Upstream archive = new ArchiveUpstream(new FileReplicaClient(replica), Duration.ofMillis(50));
            try (RunningFollower f = new RunningFollower(fdb, List.of(StreamUpstream.of(FollowerOptions.of(unknown, fdb)),
                    archive))) {
                await().atMost(CONVERGE).until(() -> f.visible().filter(end::equals).isPresent());
                assertThat(f.follower().upstream()).isSameAs(archive);
            }

            Path alone = dir.resolve("alone.db");
            try (StreamFollower f = StreamFollower.open(alone, List.of(StreamUpstream.of(FollowerOptions.of(unknown, alone)),
                    StreamUpstream.of(FollowerOptions.of(unknown, alone))), FollowerOptions.DEFAULT_MAX_BACKOFF,
                    ApplierSettings.defaults())) {
                assertThatThrownBy(f::run).isInstanceOf(UpstreamException.class).hasMessageContaining("404");
            }
        });
    }

    @FunctionalInterface
    private interface PrimaryBody {
        void run(Statement app, ServedPrimary primary, int port) throws Exception;
    }

    /** A primary serving app.db on a free port and archiving it to {@code replica}, with a table t to write. */
    private void withPrimary(Path replica, PrimaryBody body) throws Exception {
        Path db = dir.resolve("app.db");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement();
             ServedPrimary primary = new ServedPrimary(db, replica, port)) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            body.run(st, primary, port);
        }
    }

    private static void insert(Statement st, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            st.execute("INSERT INTO t (id, v) VALUES (" + i + ", '" + "f".repeat(i % 50) + "')");
        }
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.follower.PositionFile;
import io.walship.primary.archive.Replicator;
import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.config.DbConfig;
import io.walship.primary.replica.ReplicaClients;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Live streaming end to end in one JVM: the primary ({@link Replicator} archiving to a directory and a
 * {@link StreamServer} on loopback) and two {@code StreamFollower}s, each with JDBC and {@code sqlite3} readers,
 * while the application runs {@link StreamWorkload}. Readers never see a partial transaction or an error; at the
 * end both followers hold exactly the primary's content and their position files name the primary's position.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StreamInJvmIT {
    private static final long SEED = 4711L;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {1024, 4096, 65536})
    void followersMatchThePrimaryWhileReadersRead(int pageSize) throws Exception {
        Path db = dir.resolve("app.db");
        try (SqliteFixture app = SqliteFixture.create(db, pageSize);
                Replicator replicator = new Replicator(ReplicaClients::open)) {
            CapturedDatabase captured = replicator.add(DbConfig.of(db,
                    List.of(ReplicaClients.fromUrl(WalshipProcess.fileUrl(dir.resolve("replica")))))).db();
            StreamWorkload work = new StreamWorkload(app.connection(), SEED, pageSize, captured::checkpoint);
            work.createSchema();
            try (StreamServer server = StreamServer.start(replicator,
                    StreamServerOptions.defaults().withAddress("127.0.0.1", 0))) {
                PrimaryHttp primary = new PrimaryHttp("127.0.0.1", server.port(), "app.db");
                List<FollowerThread> followers = new ArrayList<>();
                List<FollowerReaders> readers = new ArrayList<>();
                try {
                    for (String name : List.of("f1.db", "f2.db")) {
                        FollowerThread f = new FollowerThread(primary.followUrl(), dir.resolve(name));
                        followers.add(f);
                    }
                    for (FollowerThread f : followers) {
                        Convergence.awaitFirstSnapshot(f.db(), Duration.ofSeconds(60), f::check);
                        readers.add(FollowerReaders.start(f.db(), 2));
                    }
                    long started = System.nanoTime();
                    List<String> done = new ArrayList<>();
                    for (int r = 0; r < work.rounds(); r++) {
                        done.add(work.round(r));
                        followers.forEach(FollowerThread::check);
                        readers.forEach(FollowerReaders::check);
                    }
                    long writeMillis = (System.nanoTime() - started) / 1_000_000;
                    List<Long> converge = new ArrayList<>();
                    for (FollowerThread f : followers) {
                        converge.add(Convergence.await(primary, f.db(), Duration.ofSeconds(90), f::check));
                    }
                    List<String> read = new ArrayList<>();
                    for (FollowerReaders rd : readers) {
                        read.add(rd.stop());
                    }
                    for (FollowerThread f : followers) {
                        DbCompare.assertSameContent(app.connection(), f.db());
                        assertThat(Ledger.verifyPrefix(f.db(), SEED)).isEqualTo(work.ledger().committed());
                        assertThat(PositionFile.of(f.db()).read()).isEqualTo(primary.pos());
                    }
                    System.out.printf("StreamInJvmIT page size %d: %d ledger transactions in %d rounds (%s) in %d ms;"
                                    + " primary at %s; convergence after the last write %s ms; reconnects %s; readers %s%n",
                            pageSize, work.ledger().committed(), work.rounds(), String.join(", ", done), writeMillis,
                            primary.pos().orElseThrow(), converge,
                            followers.stream().map(FollowerThread::reconnects).toList(), read);
                } finally {
                    readers.forEach(FollowerReaders::close);
                    for (FollowerThread f : followers) {
                        f.close();
                    }
                }
            }
        }
    }
}

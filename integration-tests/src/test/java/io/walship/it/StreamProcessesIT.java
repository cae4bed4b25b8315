package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.follower.PositionFile;
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
 * {@link StreamInJvmIT} with every party in its own OS process, through the launcher as a user runs it:
 * {@code walship replicate -addr 127.0.0.1:PORT DB URL} and two {@code walship follow http://127.0.0.1:PORT/app.db
 * DB}, the application in the test JVM, readers on threads and in {@code sqlite3}. Ends with SIGTERM to everyone
 * (exit 0).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StreamProcessesIT {
    private static final long SEED = 815L;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {1024, 4096, 65536})
    void followerProcessesMatchThePrimaryWhileReadersRead(int pageSize) throws Exception {
        Path db = dir.resolve("app.db");
        int port = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        try (SqliteFixture app = SqliteFixture.create(db, pageSize)) {
            StreamWorkload work = new StreamWorkload(app.connection(), SEED, pageSize, null);
            work.createSchema();
            List<Path> dbs = List.of(dir.resolve("f1.db"), dir.resolve("f2.db"));
            List<RunningProcess> followers = new ArrayList<>();
            List<FollowerReaders> readers = new ArrayList<>();
            try (RunningProcess walship = WalshipProcess.replicateServing(db, WalshipProcess.fileUrl(dir.resolve("replica")), port)) {
                try {
                    for (Path f : dbs) {
                        followers.add(WalshipProcess.follow(primary.followUrl(), f));
                    }
                    for (int i = 0; i < dbs.size(); i++) {
                        Convergence.awaitFirstSnapshot(dbs.get(i), Duration.ofSeconds(60), followers.get(i)::assertAlive);
                        readers.add(FollowerReaders.start(dbs.get(i), 2));
                    }
                    long started = System.nanoTime();
                    for (int r = 0; r < work.rounds(); r++) {
                        work.round(r);
                        followers.forEach(RunningProcess::assertAlive);
                        readers.forEach(FollowerReaders::check);
                    }
                    long writeMillis = (System.nanoTime() - started) / 1_000_000;
                    List<Long> converge = new ArrayList<>();
                    for (int i = 0; i < dbs.size(); i++) {
                        converge.add(Convergence.await(primary, dbs.get(i), Duration.ofSeconds(90), followers.get(i)::assertAlive));
                    }
                    List<String> read = new ArrayList<>();
                    for (FollowerReaders rd : readers) {
                        read.add(rd.stop());
                    }
                    for (Path f : dbs) {
                        DbCompare.assertSameContent(app.connection(), f);
                        assertThat(Ledger.verifyPrefix(f, SEED)).isEqualTo(work.ledger().committed());
                        assertThat(PositionFile.of(f).read()).isEqualTo(primary.pos());
                    }
                    System.out.printf("StreamProcessesIT page size %d: %d ledger transactions in %d rounds in %d ms;"
                                    + " primary at %s; convergence after the last write %s ms; readers %s%n",
                            pageSize, work.ledger().committed(), work.rounds(), writeMillis,
                            primary.pos().orElseThrow(), converge, read);
                    for (RunningProcess f : followers) {
                        ProcessResult stopped = f.terminate(Duration.ofSeconds(30));
                        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                        assertThat(stopped.stderr()).as(stopped.describe()).doesNotContain("ERROR");
                    }
                    ProcessResult stopped = walship.terminate(Duration.ofSeconds(60));
                    assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                } finally {
                    readers.forEach(FollowerReaders::close);
                    followers.forEach(RunningProcess::close);
                }
            }
        }
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.follower.PositionFile;
import io.walship.primary.archive.Replicator;
import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.capture.CheckpointMode;
import io.walship.primary.config.DbConfig;
import io.walship.primary.replica.ReplicaClients;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-your-writes recipe of interface.md, literally: commit on the primary, read {@code GET /pos/NAME}, wait
 * until the follower's position file is at or past it; the follower then shows the commit. Every few commits
 * walship checkpoints, so the application keeps writing into a restarted WAL whose file does not grow.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReadYourWritesIT {
    private static final long SEED = 99L;
    private static final int COMMITS = 150;

    @TempDir
    Path dir;

    @Test
    void aFollowerAtThePositionReadAfterACommitShowsTheCommit() throws Exception {
        Path db = dir.resolve("app.db");
        try (SqliteFixture app = SqliteFixture.create(db, 4096);
                Replicator replicator = new Replicator(ReplicaClients::open)) {
            CapturedDatabase captured = replicator.add(DbConfig.of(db,
                    List.of(ReplicaClients.fromUrl(WalshipProcess.fileUrl(dir.resolve("replica")))))).db();
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            try (StreamServer server = StreamServer.start(replicator, StreamServerOptions.defaults().withAddress("127.0.0.1", 0))) {
                PrimaryHttp primary = new PrimaryHttp("127.0.0.1", server.port(), "app.db");
                Path f = dir.resolve("follower.db");
                try (FollowerThread follower = new FollowerThread(primary.followUrl(), f)) {
                    Convergence.awaitFirstSnapshot(f, Duration.ofSeconds(30), follower::check);
                    int checkpoints = 0;
                    try (Connection reader = SqliteFixture.open(f)) {
                        for (int i = 0; i < COMMITS; i++) {
                            if (i % 25 == 0) {
                                captured.checkpoint(CheckpointMode.PASSIVE);
                                checkpoints++;
                            }
                            long t = ledger.commitNext();
                            Pos written = primary.pos().orElseThrow();
                            awaitAtOrPast(f, written, follower);
                            long k = visibleTransaction(reader);
                            assertThat(k).as("commit %d, then GET /pos said %s; the follower at or past it shows only"
                                    + " transaction %d", t, written, k).isGreaterThanOrEqualTo(t);
                        }
                    }
                    System.out.printf("ReadYourWritesIT: %d commits each read back on the follower at the position"
                            + " /pos gave, across %d walship checkpoints%n", COMMITS, checkpoints);
                }
            }
        }
    }

    private static void awaitAtOrPast(Path follower, Pos target, FollowerThread f) throws Exception {
        PositionFile file = PositionFile.of(follower);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            f.check();
            Optional<Pos> p = Convergence.read(file);
            if (p.isPresent() && p.get().generation().equals(target.generation()) && p.get().compareTo(target) >= 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(follower + " did not reach " + target + ": at " + p);
            }
            Thread.sleep(2);
        }
    }

    private static long visibleTransaction(Connection c) throws Exception {
        return Ledger.visibleState(c, "follower");
    }
}

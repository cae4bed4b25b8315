package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.follower.PositionFile;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 torture for live streaming while the application keeps committing and records {@code GET /pos} after
 * each commit ({@link CommitPositions}). The follower process is killed at random moments (during catch-up and
 * while streaming): after each kill its database is a committed state of the ledger that shows at least what its
 * position file names, the position never moves backwards within a generation, and each restart converges. Then
 * the primary is killed and restarted on the same port: the follower reconnects (re-snapshotting if the primary
 * started a new generation) and converges. At the end the follower holds exactly the primary's content.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class FollowerKillIT {
    private static final long SEED = 31337L;
    private static final int FOLLOWER_KILLS = ChaosRounds.of(50);
    private static final int PRIMARY_KILLS = ChaosRounds.of(10);
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final Map<String, Pos> highestSeen = new HashMap<>();

    @Test
    void killedFollowersAndPrimariesConvergeAndNeverPublishInvisibleData() throws Exception {
        Path db = dir.resolve("app.db");
        Path fdb = dir.resolve("follower.db");
        String replica = WalshipProcess.fileUrl(dir.resolve("replica"));
        int port = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        Random random = new Random(SEED);
        CommitPositions positions = new CommitPositions();
        long started = System.nanoTime();
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            RunningProcess walship = WalshipProcess.replicateServing(db, replica, port);
            RunningProcess follower = null;
            try (AppWriter writer = new AppWriter("ledger-writer", 10, positions.commitAndRecord(ledger, primary))) {
                long catchUpMillis = 0;
                for (int i = 0; i < FOLLOWER_KILLS; i++) {
                    follower = WalshipProcess.follow(primary.followUrl(), fdb);
                    if (i % 2 == 0) {
                        // Converge first, then die while streaming.
                        catchUpMillis = Math.max(catchUpMillis, Convergence.awaitCaughtUp(primary, fdb, CONVERGE, follower::assertAlive));
                        Thread.sleep(random.nextInt(400));
                    } else {
                        // Die anywhere from JVM start through snapshot or catch-up.
                        Thread.sleep(300 + random.nextInt(1500));
                    }
                    follower.kill();
                    writer.check();
                    checkKilledFollower(fdb, positions, ledger.committed(), "follower kill " + i);
                }
                follower = WalshipProcess.follow(primary.followUrl(), fdb);
                long reconnectMillis = 0;
                int generations = 1;
                String generation = primary.pos().orElseThrow().generation();
                for (int j = 0; j < PRIMARY_KILLS; j++) {
                    Thread.sleep(300 + random.nextInt(1200));
                    walship.kill();
                    Thread.sleep(random.nextInt(500));
                    walship = WalshipProcess.replicateServing(db, replica, port);
                    String now = primary.pos().orElseThrow().generation();
                    if (!now.equals(generation)) {
                        generations++;
                        generation = now;
                    }
                    reconnectMillis = Math.max(reconnectMillis, Convergence.awaitCaughtUp(primary, fdb, CONVERGE, follower::assertAlive));
                    checkLivePosition(fdb, "primary kill " + j);
                }
                writer.stop();
                long converge = Convergence.await(primary, fdb, CONVERGE, follower::assertAlive);
                assertThat(Ledger.verifyPrefix(fdb, SEED)).isEqualTo(ledger.committed());
                DbCompare.assertSameContent(app.connection(), fdb);
                assertThat(PositionFile.of(fdb).read()).isEqualTo(primary.pos());
                ProcessResult stopped = follower.terminate(Duration.ofSeconds(30));
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                System.out.printf("FollowerKillIT: %d follower kills, %d primary kills (%d generations), %d transactions"
                                + " (%d with a recorded position); longest catch-up after a follower restart %d ms,"
                                + " after a primary restart %d ms; final convergence %d ms; %d s in all%n",
                        FOLLOWER_KILLS, PRIMARY_KILLS, generations, ledger.committed(), positions.recorded(),
                        catchUpMillis, reconnectMillis, converge, (System.nanoTime() - started) / 1_000_000_000);
            } finally {
                if (follower != null) {
                    follower.close();
                }
                walship.close();
            }
        }
    }

    /**
     * The killed follower's database, opened read-only (no checkpoint on close): a committed ledger state, no more
     * than the application committed, at least what its position file names; the position never moved backwards.
     */
    private void checkKilledFollower(Path fdb, CommitPositions positions, long committed, String when) throws Exception {
        Optional<Pos> pos = checkLivePosition(fdb, when);
        if (pos.isEmpty()) {
            return; // killed before the first snapshot became visible
        }
        long k = Ledger.readOnlyState(fdb, when);
        assertThat(k).as("%s: follower shows transaction %d, only %d committed", when, k, committed)
                .isLessThanOrEqualTo(committed);
        long promised = positions.visibleAt(pos.get());
        assertThat(k).as("%s: position file %s implies transaction %d, the database shows only %d", when, pos.get(),
                promised, k).isGreaterThanOrEqualTo(promised);
    }

    /** Reads the position file and checks it never went backwards within its generation. */
    private Optional<Pos> checkLivePosition(Path fdb, String when) {
        Optional<Pos> pos = Convergence.read(PositionFile.of(fdb));
        pos.ifPresent(p -> {
            Pos before = highestSeen.get(p.generation());
            assertThat(before == null || p.compareTo(before) >= 0)
                    .as("%s: position file went back from %s to %s", when, before, p).isTrue();
            highestSeen.put(p.generation(), p);
        });
        return pos;
    }
}

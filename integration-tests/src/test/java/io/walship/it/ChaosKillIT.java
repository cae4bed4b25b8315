package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.primary.replica.FileReplicaClient;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a follower, of the primary and a follower, and of both followers, in turns at random moments, while the application
 * keeps committing to a primary that archives to a directory and streams to two follower processes. After every
 * round: each follower catches up with the primary; the archive restores (walship's restore every round, the
 * walship CLI and litestream now and then) to a committed prefix holding at least what the primary reported
 * archived; followers' databases pass {@code integrity_check}. All along, {@link PositionWatch} polls each
 * follower's position file and database. At the end everything equals the primary. With {@link KillNineIT} and
 * {@link FollowerKillIT} this makes well over 100 kills per {@code ./mvnw verify}.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ChaosKillIT {
    private static final long SEED = 8_675_309L;
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void killingPrimaryAndFollowersInTurnsLosesNothing() throws Exception {
        int rounds = ChaosRounds.of(12);
        LitestreamBinary litestream = LitestreamBinary.locate();
        Path db = dir.resolve("app.db");
        Path replicaDir = dir.resolve("replica");
        String replica = WalshipProcess.fileUrl(replicaDir);
        int port = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        List<Path> fdbs = List.of(dir.resolve("f1.db"), dir.resolve("f2.db"));
        Random random = new Random(SEED);
        CommitPositions positions = new CommitPositions();
        ArchiveCheck archive = new ArchiveCheck(dir, SEED, positions);
        long started = System.nanoTime();
        int primaryKills = 0;
        int followerKills = 0;
        List<String> figures = new ArrayList<>();
        try (SqliteFixture app = SqliteFixture.create(db, 4096); FileReplicaClient replicaClient = new FileReplicaClient(replicaDir)) {
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            RunningProcess walship = WalshipProcess.replicateServing(db, replica, port);
            List<RunningProcess> followers = new ArrayList<>();
            List<PositionWatch> watches = new ArrayList<>();
            try (AppWriter writer = new AppWriter("ledger-writer", 40, positions.commitAndRecord(ledger, primary))) {
                for (Path f : fdbs) {
                    followers.add(WalshipProcess.follow(primary.followUrl(), f));
                    watches.add(new PositionWatch(f, positions, ledger::committing));
                }
                for (int r = 0; r < rounds; r++) {
                    Thread.sleep(300 + random.nextInt(1200));
                    // In turns: a follower; the primary and a follower; both followers.
                    boolean killPrimary = r % 3 == 1;
                    List<Integer> victims = r % 3 == 2 ? List.of(0, 1) : List.of(random.nextInt(fdbs.size()));
                    if (killPrimary) {
                        walship.kill();
                        primaryKills++;
                    }
                    for (int v : victims) {
                        followers.get(v).kill();
                        followerKills++;
                    }
                    writer.check();
                    Thread.sleep(random.nextInt(400));
                    long restarting = System.nanoTime();
                    if (killPrimary) {
                        walship = WalshipProcess.replicateServing(db, replica, port);
                    }
                    for (int v : victims) {
                        followers.set(v, WalshipProcess.follow(primary.followUrl(), fdbs.get(v)));
                    }
                    String when = "round " + r + " (killed " + (killPrimary ? "the primary and " : "") + "followers " + victims + ")";
                    long restarted = System.nanoTime();
                    for (int i = 0; i < fdbs.size(); i++) {
                        Convergence.awaitCaughtUp(primary, fdbs.get(i), CONVERGE, followers.get(i)::assertAlive);
                        DbCompare.assertIntegrityOk(fdbs.get(i));
                    }
                    long caughtUp = (System.nanoTime() - restarted) / 1_000_000;
                    Pos archived = Convergence.awaitArchived(primary, null, CONVERGE, walship::assertAlive);
                    DbCompare.Restore restore = r % 4 == 3 ? archive.litestream(litestream, replica)
                            : r == 4 ? archive.walshipCli(replica, Map.of()) : archive.walship(replicaClient);
                    archive.check(when, archived, ledger::committing, restore);
                    figures.add((restarted - restarting) / 1_000_000 + "/" + caughtUp + "/" + (System.nanoTime() - restarted) / 1_000_000);
                    watches.forEach(PositionWatch::check);
                }
                writer.stop();
                for (int i = 0; i < fdbs.size(); i++) {
                    Convergence.awaitSameAsPrimary(primary, app.connection(), fdbs.get(i), SEED, ledger.committed(), CONVERGE,
                            followers.get(i)::assertAlive);
                    watches.get(i).finish();
                }
                for (RunningProcess f : followers) {
                    ProcessResult stopped = f.terminate(Duration.ofSeconds(30));
                    assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                }
                ProcessResult stopped = walship.terminate(Duration.ofSeconds(60));
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                Path last = dir.resolve("restore-final.db");
                litestream.restore(replica, last);
                assertThat(Ledger.verifyPrefix(last, SEED)).isEqualTo(ledger.committed());
                System.out.printf("ChaosKillIT: %d rounds, %d primary kills, %d follower kills, %d transactions, %d s;"
                                + " per round, ms to restart / for the followers to catch up / to check them and the archive: %s%n", rounds,
                        primaryKills, followerKills, ledger.committed(), (System.nanoTime() - started) / 1_000_000_000, figures);
            } finally {
                for (PositionWatch w : watches) {
                    w.close();
                }
                followers.forEach(RunningProcess::close);
                walship.close();
            }
        }
    }
}

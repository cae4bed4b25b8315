package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.follower.PositionFile;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower process that reaches its primary through {@link FaultProxy}, while the application keeps committing:
 * in turns the link is cut (connections reset, new ones too), stalls for less than the follower's heartbeat
 * timeout, stalls for longer (the follower must notice the silence and reconnect, into a link that is still
 * stalled), is slow, and stalls and then resets. After each partition heals the follower catches up; all along
 * {@link PositionWatch} checks its position file and data; at the end it equals the primary.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PartitionIT {
    private static final long SEED = 2_718L;
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    /** {@code walship follow}'s heartbeat timeout is 5 s. */
    private static final Duration LONG_STALL = Duration.ofSeconds(7);

    private enum Partition { RESET, SHORT_STALL, LONG_STALL, SLOW_LINK, STALL_THEN_RESET }

    @TempDir
    Path dir;

    @Test
    void aFollowerBehindAFaultyLinkCatchesUpAndNeverShowsWrongData() throws Exception {
        int rounds = ChaosRounds.of(Partition.values().length);
        Path db = dir.resolve("app.db");
        Path fdb = dir.resolve("follower.db");
        int port = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        CommitPositions positions = new CommitPositions();
        List<String> figures = new ArrayList<>();
        try (SqliteFixture app = SqliteFixture.create(db, 4096); FaultProxy link = FaultProxy.to(port);
                RunningProcess walship = WalshipProcess.replicateServing(db, WalshipProcess.fileUrl(dir.resolve("replica")), port)) {
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            PrimaryHttp viaLink = new PrimaryHttp("127.0.0.1", link.port(), "app.db");
            try (AppWriter writer = new AppWriter("ledger-writer", 20, positions.commitAndRecord(ledger, primary)); RunningProcess follower = WalshipProcess.follow(viaLink.followUrl(), fdb);
                    PositionWatch watch = new PositionWatch(fdb, positions, ledger::committing)) {
                Convergence.awaitCaughtUp(primary, fdb, CONVERGE, follower::assertAlive);
                for (int r = 0; r < rounds; r++) {
                    Partition partition = Partition.values()[r % Partition.values().length];
                    String when = "round " + r + " (" + partition + ")";
                    int silencesBefore = follower.countLines("nothing from the primary for");
                    Pos before = PositionFile.of(fdb).read().orElseThrow();
                    switch (partition) {
                        case RESET -> {
                            link.drop();
                            Thread.sleep(1500);
                        }
                        case SHORT_STALL -> {
                            link.stall();
                            Thread.sleep(2000);
                        }
                        case LONG_STALL -> {
                            link.stall();
                            Thread.sleep(LONG_STALL.toMillis());
                            assertThat(follower.countLines("nothing from the primary for")).as(when
                                    + ": the follower noticed the silence\n" + follower.describe()).isGreaterThan(silencesBefore);
                        }
                        case SLOW_LINK -> {
                            link.delay(Duration.ofMillis(50));
                            Thread.sleep(3000);
                            assertThat(PositionFile.of(fdb).read()).as(when + ": data still flows, slowly")
                                    .hasValueSatisfying(p -> assertThat(p).isGreaterThan(before));
                        }
                        case STALL_THEN_RESET -> {
                            link.stall();
                            Thread.sleep(2000);
                            link.drop();
                            Thread.sleep(1000);
                        }
                    }
                    writer.check();
                    follower.assertAlive();
                    link.forward();
                    long caughtUp = Convergence.awaitCaughtUp(primary, fdb, CONVERGE, follower::assertAlive);
                    DbCompare.assertIntegrityOk(fdb);
                    watch.check();
                    figures.add(partition + ": caught up " + caughtUp + " ms after healing");
                }
                writer.stop();
                Convergence.awaitSameAsPrimary(primary, app.connection(), fdb, SEED, ledger.committed(), CONVERGE, follower::assertAlive);
                watch.finish();
                ProcessResult stopped = follower.terminate(Duration.ofSeconds(30));
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                System.out.printf("PartitionIT: %d rounds, %d transactions, %d position checks, link: %d connections,"
                        + " %d reset; %s%n", rounds, ledger.committed(), watch.polls(), link.accepted(), link.resets(), figures);
            }
            ProcessResult stopped = walship.terminate(Duration.ofSeconds(60));
            assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        }
    }
}

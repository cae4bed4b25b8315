package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.follower.ApplierSettings;
import io.walship.follower.ApplyStep;
import io.walship.primary.archive.Replicator;
import io.walship.primary.config.DbConfig;
import io.walship.primary.replica.ReplicaClients;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower whose disk fills up while the application keeps committing on the primary. Its readers must only
 * ever see committed data at or past the position file ({@link PositionWatch}), it must say what is wrong and
 * keep running, and once space returns it must catch up by itself and end equal to the primary.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FollowerDiskFullIT {
    private static final long SEED = 404L;
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final long FILE_LIMIT = 256 * 1024;
    private static final Duration FULL = Duration.ofSeconds(3);
    /** Where a write failure is the next thing that can happen; OPENED, RECOVERED and CHECKPOINT_DONE precede reads only. */
    private static final List<ApplyStep> WRITE_STEPS = List.of(ApplyStep.PENDING_PERSISTED, ApplyStep.HEADER_WRITTEN,
            ApplyStep.FRAMES_HALF_WRITTEN, ApplyStep.WAL_SYNCED, ApplyStep.SHM_HALF_INVALIDATED, ApplyStep.COMMITTED,
            ApplyStep.VERIFIED, ApplyStep.APPLIED_PERSISTED, ApplyStep.POSITION_WRITTEN, ApplyStep.TEMP_FILE_WRITTEN,
            ApplyStep.CHECKPOINT_STARTING);

    @TempDir
    Path dir;

    /** A real {@code walship follow} process whose writes past 256 KiB of any file fail (RLIMIT_FSIZE). */
    @Test
    void aFollowerProcessThatCannotWriteSaysSoAndCatchesUpWhenItCanAgain() throws Exception {
        int rounds = ChaosRounds.of(2);
        Path db = dir.resolve("app.db");
        Path fdb = dir.resolve("follower.db");
        int port = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", port, "app.db");
        CommitPositions positions = new CommitPositions();
        List<String> figures = new ArrayList<>();
        try (SqliteFixture app = SqliteFixture.create(db, 4096);
                RunningProcess walship = WalshipProcess.replicateServing(db, WalshipProcess.fileUrl(dir.resolve("replica")), port)) {
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            try (AppWriter writer = new AppWriter("ledger-writer", 20, positions.commitAndRecord(ledger, primary)); RunningProcess follower = WalshipProcess.follow(primary.followUrl(), fdb);
                    PositionWatch watch = new PositionWatch(fdb, positions, ledger::committing)) {
                Convergence.awaitCaughtUp(primary, fdb, CONVERGE, follower::assertAlive);
                String report = fdb + ": local write failed: File too large";
                for (int r = 0; r < rounds; r++) {
                    int before = follower.countLines(report);
                    FileSizeLimit.set(follower.pid(), FILE_LIMIT);
                    awaitMore(() -> follower.countLines(report), before, follower);
                    int first = follower.countLines(report);
                    Thread.sleep(FULL.toMillis());
                    follower.assertAlive();
                    watch.check();
                    int retries = follower.countLines(report) - first;
                    // Back-off from 100 ms doubling (jittered down to half): at most 6 retries fit in 3 s.
                    assertThat(retries).as("retries while the disk stays full\n" + follower.describe()).isBetween(1, 8);
                    FileSizeLimit.lift(follower.pid());
                    long caughtUp = Convergence.awaitCaughtUp(primary, fdb, CONVERGE, follower::assertAlive);
                    DbCompare.assertIntegrityOk(fdb);
                    figures.add(retries + " retries in " + FULL.toMillis() + " ms while full, caught up " + caughtUp + " ms after");
                }
                assertThat(follower.stdout() + follower.stderr()).as("a local failure is not the stream's")
                        .doesNotContain("stream interrupted: File too large").doesNotContain("overlaps the applied position");
                writer.stop();
                Convergence.awaitSameAsPrimary(primary, app.connection(), fdb, SEED, ledger.committed(), CONVERGE, follower::assertAlive);
                watch.finish();
                ProcessResult stopped = follower.terminate(Duration.ofSeconds(30));
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                System.out.printf("FollowerDiskFullIT (process): %d rounds, %d transactions; %s%n", rounds,
                        ledger.committed(), figures);
            }
            assertThat(walship.terminate(Duration.ofSeconds(60)).exitCode()).isZero();
        }
    }

    /** A follower in this JVM whose disk is full at each step of the apply procedure in turn. */
    @Test
    void aWriteFailureAtAnyApplyStepLeavesAConsistentFollowerThatRecovers() throws Exception {
        Path db = dir.resolve("app.db");
        Path fdb = dir.resolve("follower.db");
        CommitPositions positions = new CommitPositions();
        FailingDisk disk = new FailingDisk();
        // Frequent checkpoints: each one makes the next batch start a fresh local WAL (HEADER_WRITTEN).
        ApplierSettings settings = ApplierSettings.defaults().withSteps(disk).withCheckpointWalBytes(256 * 1024);
        List<String> figures = new ArrayList<>();
        try (SqliteFixture app = SqliteFixture.create(db, 4096);
                Replicator replicator = new Replicator(ReplicaClients::open)) {
            // No checkpoints by time: only the application moves the primary's position.
            replicator.add(new DbConfig(db.toAbsolutePath(), null, null, DbConfig.DEFAULT_MONITOR_INTERVAL, Duration.ofHours(1),
                    DbConfig.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT, DbConfig.DEFAULT_MAX_CHECKPOINT_PAGE_COUNT,
                    List.of(ReplicaClients.fromUrl(WalshipProcess.fileUrl(dir.resolve("replica"))))));
            Ledger ledger = new Ledger(app.connection(), SEED);
            ledger.createSchema();
            try (StreamServer server = StreamServer.start(replicator, StreamServerOptions.defaults().withAddress("127.0.0.1", 0))) {
                PrimaryHttp primary = new PrimaryHttp("127.0.0.1", server.port(), "app.db");
                AppWriter.Step commit = positions.commitAndRecord(ledger, primary);
                disk.fullAt(ApplyStep.BOOTSTRAP_IMAGE_WRITTEN);
                try (AppWriter writer = new AppWriter("ledger-writer", 20, commit);
                        FollowerThread follower = new FollowerThread(primary.followUrl(), fdb, settings);
                        PositionWatch watch = new PositionWatch(fdb, positions, ledger::committing)) {
                    awaitMore(() -> disk.failures(ApplyStep.BOOTSTRAP_IMAGE_WRITTEN), 0, null);
                    disk.heal();
                    figures.add("bootstrap " + Convergence.awaitCaughtUp(primary, fdb, CONVERGE, follower::check) + " ms");
                    for (int r = 0; r < ChaosRounds.scale(); r++) {
                        for (ApplyStep step : WRITE_STEPS) {
                            int before = disk.failures(step);
                            disk.fullAt(step);
                            // Twice: the retry meets the full disk too.
                            awaitMore(() -> disk.failures(step), before + 1, null);
                            disk.heal();
                            long caughtUp = Convergence.awaitCaughtUp(primary, fdb, CONVERGE, follower::check);
                            DbCompare.assertIntegrityOk(fdb);
                            watch.check();
                            figures.add(step + " " + (disk.failures(step) - before) + "x/" + caughtUp + " ms");
                        }
                    }
                    writer.stop();
                    // The last batch is applied but its position file write fails, and nothing more comes: the
                    // follower must still publish its position.
                    int before = disk.failures(ApplyStep.APPLIED_PERSISTED);
                    disk.fullAt(ApplyStep.APPLIED_PERSISTED);
                    commit.run();
                    awaitMore(() -> disk.failures(ApplyStep.APPLIED_PERSISTED), before, null);
                    disk.heal();
                    long healed = System.nanoTime();
                    Convergence.awaitSameAsPrimary(primary, app.connection(), fdb, SEED, ledger.committed(), CONVERGE, follower::check);
                    figures.add("position published " + (System.nanoTime() - healed) / 1_000_000 + " ms after the last failure");
                    watch.finish();
                    System.out.printf("FollowerDiskFullIT (in JVM): %d transactions, %d reconnects; step failures/catch-up:"
                            + " %s%n", ledger.committed(), follower.reconnects(), figures);
                }
            }
        }
    }

    /** Waits until {@code count} exceeds {@code before}; {@code process}, if given, must stay alive meanwhile. */
    private static void awaitMore(IntSupplier count, int before, RunningProcess process) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (count.getAsInt() <= before) {
            if (process != null) {
                process.assertAlive();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the expected write failure did not happen within " + CONVERGE
                        + (process == null ? "" : "\n" + process.describe()));
            }
            Thread.sleep(20);
        }
    }
}

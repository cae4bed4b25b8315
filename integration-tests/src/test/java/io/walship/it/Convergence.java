package io.walship.it;

import io.walship.follower.PositionFile;
import io.walship.protocol.Pos;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;

/** Waiting until a follower has caught up: its position file names the primary's current position. */
final class Convergence {
    private Convergence() {
    }

    /**
     * Waits until the position file of {@code followerDb} equals {@code GET /pos/NAME} (the primary idle); returns
     * the milliseconds it took. {@code check} runs on every poll to fail fast when a follower died.
     */
    static long await(PrimaryHttp primary, Path followerDb, Duration timeout, Runnable check) throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        PositionFile file = PositionFile.of(followerDb);
        while (true) {
            check.run();
            Optional<Pos> target = primary.pos();
            Optional<Pos> last = read(file);
            if (target.isPresent() && last.equals(target)) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(followerDb + " did not converge within " + timeout + ": position file "
                        + last.map(Pos::toString).orElse("(none)") + ", primary " + target.map(Pos::toString).orElse("(down)"));
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until the follower is at or past the primary's position of now (same generation), while the application
     * may go on writing; returns the milliseconds it took. {@code check} runs on every poll.
     */
    static long awaitCaughtUp(PrimaryHttp primary, Path followerDb, Duration timeout, Runnable check) throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Optional<Pos> target = primary.pos();
        PositionFile file = PositionFile.of(followerDb);
        while (true) {
            check.run();
            if (target.isEmpty()) {
                target = primary.pos();
            }
            Optional<Pos> p = read(file);
            if (target.isPresent() && p.isPresent() && p.get().generation().equals(target.get().generation())
                    && p.get().compareTo(target.get()) >= 0) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(followerDb + " did not reach " + target.map(Pos::toString).orElse("(primary down)")
                        + " within " + timeout + ": at " + p.map(Pos::toString).orElse("(none)"));
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until the primary reports its replica archived at or past {@code atLeast} (same generation), or at any
     * position when {@code atLeast} is null (a restarted primary reports none before its first sync); returns it.
     */
    static Pos awaitArchived(PrimaryHttp primary, Pos atLeast, Duration timeout, Runnable check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            check.run();
            Optional<Pos> p = primary.archived();
            if (p.isPresent() && (atLeast == null
                    || p.get().generation().equals(atLeast.generation()) && p.get().compareTo(atLeast) >= 0)) {
                return p.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the primary did not report " + (atLeast == null ? "anything" : atLeast)
                        + " archived within " + timeout + ": at " + p.map(Pos::toString).orElse("(none)"));
            }
            Thread.sleep(50);
        }
    }

    /**
     * The end of a scenario, the application stopped: the follower reaches the primary's final position and holds
     * exactly its content, the ledger's {@code committed} transactions, with {@code integrity_check} ok.
     */
    static void awaitSameAsPrimary(PrimaryHttp primary, Connection app, Path followerDb, long seed, long committed,
                                   Duration timeout, Runnable check) throws Exception {
        await(primary, followerDb, timeout, check);
        long k = Ledger.verifyPrefix(followerDb, seed);
        if (k != committed) {
            throw new AssertionError(followerDb + " holds transactions 1.." + k + ", the application committed " + committed);
        }
        DbCompare.assertSameContent(app, followerDb);
    }

    /** Waits until the follower's first snapshot is visible (its position file exists), as readers must. */
    static void awaitFirstSnapshot(Path followerDb, Duration timeout, Runnable check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        PositionFile file = PositionFile.of(followerDb);
        while (read(file).isEmpty()) {
            check.run();
            if (System.nanoTime() > deadline) {
                throw new AssertionError(followerDb + ": no position file within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /** The position file, or empty while it does not exist. */
    static Optional<Pos> read(PositionFile file) {
        try {
            return file.read();
        } catch (IOException e) {
            throw new AssertionError("position file unreadable: " + e.getMessage(), e);
        }
    }
}

package io.walship.it;

import io.walship.follower.PositionFile;
import io.walship.protocol.Pos;
import java.io.IOException;
import java.nio.file.Path;
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

package io.walship.it;

import io.walship.follower.PositionFile;
import io.walship.protocol.Pos;
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
        Optional<Pos> last = Optional.empty();
        Optional<Pos> target = Optional.empty();
        while (true) {
            check.run();
            target = primary.pos();
            last = read(file);
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

    /** The position file, or empty while it does not exist. */
    static Optional<Pos> read(PositionFile file) {
        try {
            return file.read();
        } catch (java.io.IOException e) {
            throw new AssertionError("position file unreadable: " + e.getMessage(), e);
        }
    }
}

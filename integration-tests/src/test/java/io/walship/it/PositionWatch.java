package io.walship.it;

import io.walship.follower.PositionFile;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * An outside tool polling a follower for the whole of a fault scenario, on its own thread: the position file never
 * goes back within a generation, and never runs ahead of the data (a read right after it shows at least the
 * transaction {@link CommitPositions} maps the position to), and the database is always a committed state of the
 * {@link Ledger}, never beyond what the application committed. Survives the follower being killed or stalled;
 * the first violation is kept and rethrown by {@link #check()}.
 */
final class PositionWatch implements AutoCloseable {
    private static final long POLL_MILLIS = 25;

    private final Path db;
    private final CommitPositions positions;
    private final LongSupplier committing;
    private final Map<String, Pos> highest = new HashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong polls = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    /** {@code committing}: the highest transaction the application may have committed ({@link Ledger#committing()}). */
    PositionWatch(Path db, CommitPositions positions, LongSupplier committing) {
        this.db = db;
        this.positions = positions;
        this.committing = committing;
        this.thread = new Thread(this::loop, "position-watch-" + db.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        PositionFile file = PositionFile.of(db);
        try {
            while (running) {
                Optional<Pos> pos = file.read();
                if (pos.isPresent()) {
                    checkOnce(pos.get());
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private void checkOnce(Pos pos) throws Exception {
        Pos before = highest.get(pos.generation());
        if (before != null && pos.compareTo(before) < 0) {
            throw new AssertionError(db + ": position file went back from " + before + " to " + pos);
        }
        highest.put(pos.generation(), pos);
        long k = Ledger.readOnlyState(db, db + " at position " + pos);
        long promised = positions.visibleAt(pos);
        if (k < promised) {
            throw new AssertionError(db + ": position file " + pos + " promises transaction " + promised
                    + ", a read right after shows only " + k);
        }
        long limit = committing.getAsLong();
        if (k > limit) {
            throw new AssertionError(db + ": shows transaction " + k + ", the application committed only up to " + limit);
        }
        polls.incrementAndGet();
    }

    /** Checks made with a position present so far. */
    long polls() {
        return polls.get();
    }

    void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError(db + ": position watch: " + t, t);
        }
        if (running && !thread.isAlive()) {
            throw new AssertionError(db + ": position watch stopped");
        }
    }

    /** Stops polling and checks: nothing wrong was seen, and a position was seen at all. */
    void finish() throws InterruptedException {
        close();
        check();
        if (polls.get() == 0) {
            throw new AssertionError(db + ": the watch never saw a position file");
        }
    }

    /** Stops polling; {@link #check()} still reports what was found. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
    }
}

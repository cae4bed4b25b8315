package io.walship.it;

import io.walship.follower.ApplierSettings;
import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.UpstreamUrl;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link StreamFollower} running on its own thread in the test JVM; a failure ends it and is kept for the test. */
final class FollowerThread implements AutoCloseable {
    private final Path db;
    private final StreamFollower follower;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    FollowerThread(String upstream, Path db) throws Exception {
        this(upstream, db, ApplierSettings.defaults());
    }

    /** With applier tuning, e.g. a {@link FailingDisk} observing the apply steps. */
    FollowerThread(String upstream, Path db, ApplierSettings settings) throws Exception {
        this.db = db;
        this.follower = StreamFollower.open(FollowerOptions.of(UpstreamUrl.parse(upstream), db), settings);
        this.thread = new Thread(() -> {
            try {
                follower.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "follower-" + db.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    Path db() {
        return db;
    }

    long reconnects() {
        return follower.reconnects();
    }

    /** Fails if the follower stopped by itself. */
    void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError(db + ": follower stopped: " + t, t);
        }
        if (!thread.isAlive()) {
            throw new AssertionError(db + ": follower stopped without an error");
        }
    }

    @Override
    public void close() throws Exception {
        follower.close();
        thread.join(30_000);
    }
}

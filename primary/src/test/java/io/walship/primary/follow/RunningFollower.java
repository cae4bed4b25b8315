package io.walship.primary.follow;

import io.walship.follower.ApplierSettings;
import io.walship.follower.FollowerListener;
import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.Upstream;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link StreamFollower} on its own thread, recording every position it exposes; a failure is kept for the test. */
final class RunningFollower implements AutoCloseable {
    private final StreamFollower follower;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Pos> exposed = new CopyOnWriteArrayList<>();

    RunningFollower(Path db, List<Upstream> upstreams) throws Exception {
        this.follower = StreamFollower.open(db, upstreams, FollowerOptions.DEFAULT_MAX_BACKOFF, ApplierSettings.defaults());
        follower.listen(new FollowerListener() {
            @Override
            public void walApplied(Pos end, long bytes, long nanos) {
                exposed.add(end);
            }
        });
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

    StreamFollower follower() {
        return follower;
    }

    Optional<Pos> visible() {
        check();
        return follower.visiblePosition();
    }

    /** Every position readers were shown, in order. */
    List<Pos> exposed() {
        return exposed;
    }

    void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("follower stopped: " + t, t);
        }
    }

    @Override
    public void close() throws Exception {
        follower.close();
        thread.join(30_000);
    }
}

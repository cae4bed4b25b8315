package io.walship.follower;

import java.io.IOException;

/**
 * Where a follower gets the primary's snapshots and WAL from: the primary's stream, a relaying follower's stream
 * (same protocol, same positions) or the archive. A {@link StreamFollower} runs one session at a time on one of
 * its upstreams and moves to the next when a session fails.
 */
public interface Upstream {

    /**
     * One session: feeds {@code feed} from its position (or a snapshot when it needs one) until the upstream ends
     * the session (returns) or fails (throws; after a {@link UpstreamException#fatal()} one the follower tries its
     * other upstreams, and stops when all of them refused).
     */
    void follow(Feed feed) throws IOException;

    /** Ends a {@link #follow} in progress soon, from another thread; it then returns or throws. */
    void abort();

    /** Called a few times a second from the follower's watchdog thread while a session runs; must not block. */
    default void watch() {
    }

    /** Lets go of connections and threads; the follower calls it once, after the last session. */
    default void close() {
    }
}

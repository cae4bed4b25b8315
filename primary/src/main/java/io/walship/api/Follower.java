package io.walship.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.UpstreamTls;
import io.walship.follower.UpstreamUrl;
import io.walship.primary.metrics.FollowerMonitor;
import io.walship.protocol.Pos;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A walship follower inside an application: keeps a local database a live read-only copy of a primary's
 * database, on a thread of its own. Stable API (semantic versioning from 1.0).
 *
 * <pre>{@code
 * try (Follower follower = Follower.start("https://primary:7070/app.db", Path.of("/replica/app.db"), null)) {
 *     if (follower.awaitPosition(written, Duration.ofSeconds(2))) {
 *         ... read /replica/app.db: it has every transaction up to 'written' ...
 *     }
 *     follower.bindTo(meterRegistry);                 // optional: walship_follower_* meters (Micrometer)
 *     follower.health().ifPresent(System.err::println); // why it is not applying normally, if it is not
 * }
 * }</pre>
 */
public final class Follower implements AutoCloseable, MeterBinder {
    private final StreamFollower follower;
    private final Thread thread;
    private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
    private final FollowerMonitor monitor;
    private volatile Exception failure;

    private Follower(StreamFollower follower, Path dbPath) {
        this.follower = follower;
        this.monitor = new FollowerMonitor(meters, dbPath, follower.visiblePosition().orElse(null));
        follower.listen(monitor);
        this.thread = new Thread(this::run, "walship-follower");
        this.thread.setDaemon(true);
    }

    /**
     * Starts following {@code primaryUrl} ({@code https://HOST:PORT/NAME} trusted by the JVM's default CAs, or
     * {@code http://} on this machine) into {@code dbPath}; {@code token} may be null. Throws
     * {@link IllegalArgumentException} for a malformed URL or plain http to another machine.
     */
    public static Follower start(String primaryUrl, Path dbPath, String token) throws IOException {
        return start(primaryUrl, dbPath, token, UpstreamTls.defaults(), false);
    }

    /**
     * As {@link #start(String, Path, String)}, trusting {@code tls.ca()} (null: the JVM's CAs) and presenting
     * {@code tls.cert()}/{@code tls.key()} to a primary that asks for client certificates; {@code insecure} allows
     * plain {@code http://} to another machine, where the token and the data cross the network unencrypted.
     */
    public static Follower start(String primaryUrl, Path dbPath, String token, UpstreamTls tls, boolean insecure)
            throws IOException {
        UpstreamUrl url = UpstreamUrl.parse(primaryUrl);
        if (url.plainOverNetwork() && !insecure) {
            throw new IllegalArgumentException("refusing plain http:// to " + url.base().getHost()
                    + ", which is not this machine; use https:// or allow it with insecure");
        }
        StreamFollower f = StreamFollower.open(FollowerOptions.of(url, dbPath).withToken(token).withTls(tls));
        Follower follower = new Follower(f, dbPath);
        follower.thread.start();
        return follower;
    }

    private void run() {
        try {
            follower.run();
        } catch (Exception e) {
            failure = e;
            monitor.failed(e.getMessage());
        }
    }

    /**
     * Empty while the follower applies normally; otherwise why not, in one line: it stopped for good, the primary
     * has been unreachable for over 30 s, or no snapshot was applied yet. ({@code follow -addr} serves the same
     * as {@code /healthz}.)
     */
    public Optional<String> health() {
        return Optional.ofNullable(monitor.problem());
    }

    /**
     * Publishes the follower's meters ({@code walship_follower_*}: applied position, lag, apply latency, snapshots,
     * reconnects) in {@code registry}; counts start when it is bound.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        meters.add(registry);
    }

    /** What readers of the local database see now, or empty before the first snapshot is visible. */
    public Optional<Pos> position() {
        return follower.visiblePosition();
    }

    /**
     * Waits until readers of the local database see at least {@code pos} (same generation, at or past it).
     * False on timeout. Throws if the follower stopped for good (wrong token, unknown database).
     */
    public boolean awaitPosition(Pos pos, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Pos> seen = position();
            if (seen.isPresent() && seen.get().generation().equals(pos.generation()) && seen.get().compareTo(pos) >= 0) {
                return true;
            }
            if (failure != null) {
                throw new IOException("follower stopped: " + failure.getMessage(), failure);
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void close() throws IOException {
        monitor.close();
        follower.close();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.walship.follower;

import io.walship.protocol.MessageText;
import io.walship.protocol.Pos;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower daemon: keeps a local database a read-only copy of a primary's database by following an
 * {@link Upstream} (the primary's stream, a relay's, or the archive) and applying through {@link FollowerApplier}.
 * Resumes at its own position after any disconnect or restart, reconnects with jittered back-off, and re-syncs
 * from a snapshot when the local copy cannot continue (a local write, a new generation on the primary).
 *
 * <p>Several upstreams are tried in order: a session that fails moves to the next one, and after
 * {@link #FAILBACK_AFTER} on a later one the follower tries the first again. Positions are the primary's on every
 * upstream, so each session continues exactly at the follower's position; nothing ever moves it backwards.
 */
public final class StreamFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamFollower.class);
    /** How long a follower stays on a fallback upstream before trying its first one again. */
    static final Duration FAILBACK_AFTER = Duration.ofSeconds(30);

    private final Path dbPath;
    private final List<Upstream> upstreams;
    private final FollowerApplier applier;
    private final Feed feed;
    private final ScheduledExecutorService watchdog;
    private final Backoff backoff;
    private volatile boolean closed;
    private volatile Upstream active;
    private volatile int current;
    private volatile long sessionStarted;
    private volatile boolean failingBack;
    private volatile long reconnects;
    private volatile FollowerListener listener = FollowerListener.NONE;
    /** Upstreams that refused for good since the follower last made progress. */
    private final Set<Integer> refused = new HashSet<>();

    private StreamFollower(Path dbPath, List<Upstream> upstreams, Duration maxBackoff, FollowerApplier applier) {
        this.dbPath = dbPath;
        this.upstreams = List.copyOf(upstreams);
        this.applier = applier;
        this.feed = new Feed(applier, dbPath);
        this.backoff = new Backoff(Duration.ofMillis(100), maxBackoff);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "walship-follower-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::watch, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** Opens the local database (resuming an interrupted apply if there is one). */
    public static StreamFollower open(FollowerOptions options) throws IOException {
        return open(options, ApplierSettings.defaults());
    }

    /** Same, with applier tuning; the benchmark observes the apply steps through {@code settings.steps()}. */
    public static StreamFollower open(FollowerOptions options, ApplierSettings settings) throws IOException {
        // the upstream first: a bad key file must not leave the follower lock taken
        return open(options.dbPath(), List.of(StreamUpstream.of(options)), options.maxBackoff(), settings);
    }

    /** A follower of {@code upstreams}, tried in this order, into {@code dbPath}. */
    public static StreamFollower open(Path dbPath, List<Upstream> upstreams, Duration maxBackoff,
                                      ApplierSettings settings) throws IOException {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("no upstream to follow");
        }
        Path db = dbPath.toAbsolutePath().normalize();
        return new StreamFollower(db, upstreams, maxBackoff, FollowerApplier.open(db, settings));
    }

    /** What readers of the local database see (the position file's content). */
    public Optional<Pos> visiblePosition() {
        return applier.visiblePosition();
    }

    /** The upstream's position as of the last record from it, or null. */
    public Pos primaryPosition() {
        return feed.upstreamPosition();
    }

    public long reconnects() {
        return reconnects;
    }

    /** The upstream the current (or last) session runs on. */
    public Upstream upstream() {
        return upstreams.get(current);
    }

    /** Reports what the follower does to {@code l} (metrics, health); set it before {@link #run()}. */
    public void listen(FollowerListener l) {
        this.listener = l;
        feed.listen(l);
    }

    /** Shows every WAL range applied to {@code t} (a relay); set it before {@link #run()}. */
    public void tap(WalTap t) {
        feed.tap(t);
    }

    /** The local database's page size, or 0 before the first snapshot created it. */
    public int pageSize() {
        return applier.pageSize();
    }

    /**
     * Writes the database exactly as readers see it now (see {@link FollowerApplier#writeImage}) and returns the
     * primary's position of that state; applying continues meanwhile.
     */
    public Pos writeImage(OutputStream out) throws IOException {
        return applier.writeImage(out);
    }

    /**
     * Follows until {@link #close()}. Returns normally only when closed; throws {@link UpstreamException} when
     * every upstream refused in a way retrying will not fix (wrong token, unknown database), or
     * {@link TlsRefusedException} when TLS trust failed (the last upstream's refusal).
     */
    public void run() throws IOException {
        while (!closed) {
            int at = current;
            Upstream up = upstreams.get(at);
            failingBack = false;
            sessionStarted = System.nanoTime();
            active = up;
            boolean failed = false;
            try {
                feed.beginSession();
                up.follow(feed);
                listener.disconnected(up + " ended the stream");
            } catch (UpstreamException e) {
                if (e.fatal()) {
                    refusedBy(at, e);
                } else {
                    log.warn("{}: {}", up, e.getMessage());
                }
                listener.disconnected(e.getMessage());
                failed = true;
            } catch (TlsRefusedException e) {
                refusedBy(at, e);
                listener.disconnected(e.getMessage());
                failed = true;
            } catch (LocalApplyException e) {
                if (closed) {
                    return;
                }
                log.warn("{}; retrying", e.getMessage());
                listener.disconnected(e.getMessage());
            } catch (LocalWriteDetectedException e) {
                log.warn("{}: {}; re-syncing from a snapshot", dbPath, e.getMessage());
                listener.localWriteDetected();
                listener.disconnected("re-syncing after a local write");
            } catch (FollowerLockedException | VerificationFailedException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!failingBack) {
                    log.warn("{}: stream interrupted: {}", up, describe(e));
                    listener.disconnected(describe(e));
                    failed = true;
                }
            } finally {
                active = null;
            }
            if (feed.progressed()) {
                backoff.reset();
                refused.clear();
            }
            if (closed) {
                return;
            }
            if (failingBack) {
                log.info("{}: trying {} again", dbPath, upstreams.get(0));
                current = 0;
                continue;
            }
            if (failed && upstreams.size() > 1) {
                current = (at + 1) % upstreams.size();
                log.info("{}: failing over to {}", dbPath, upstreams.get(current));
            }
            reconnects++;
            sleep(backoff.nextMillis());
        }
    }

    /**
     * An upstream refused in a way retrying will not fix (wrong token, unknown database, TLS trust). With other
     * upstreams to try the follower moves on, loudly; once every upstream has refused since the last progress, it
     * stops with this refusal.
     */
    private void refusedBy(int at, IOException e) throws IOException {
        refused.add(at);
        if (refused.size() >= upstreams.size()) {
            throw e;
        }
        log.error("{}; trying the other upstreams", e.getMessage());
    }

    /** Watchdog tick: lets the session check its connection, and ends a fallback session to retry the first. */
    private void watch() {
        Upstream up = active;
        if (up == null) {
            return;
        }
        up.watch();
        if (current != 0 && !failingBack && System.nanoTime() - sessionStarted > FAILBACK_AFTER.toNanos()) {
            failingBack = true;
            up.abort();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        Upstream up = active;
        if (up != null) {
            up.abort();
        }
        watchdog.shutdownNow();
        upstreams.forEach(Upstream::close);
        applier.close();
    }

    private static String describe(Throwable e) {
        if (e instanceof java.net.ConnectException || e.getCause() instanceof java.net.ConnectException) {
            return "cannot connect (connection refused or unreachable)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "connection timed out";
        }
        return MessageText.describe(e);
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }
}

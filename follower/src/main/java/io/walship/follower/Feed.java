package io.walship.follower;

import io.walship.protocol.MessageText;
import io.walship.protocol.Pos;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower's end of a session with any {@link Upstream}: checks that what arrives continues the local position,
 * gathers WAL into local transactions, keeps a snapshot staged until its WAL makes it consistent, and applies
 * through {@link FollowerApplier}, telling the listener and the relay tap. Positions are the primary's everywhere,
 * so a session on another upstream continues exactly where the last one stopped. One session uses it at a time.
 */
public final class Feed {
    private static final Logger LOG = LoggerFactory.getLogger(Feed.class);
    /** Committed WAL bytes gathered into one local transaction at most; more waits for the next one. */
    static final int MAX_BATCH_BYTES = 16 << 20;
    /** Refusals of the same WAL range after which the follower asks for a snapshot instead. */
    static final int REJECTIONS_BEFORE_SNAPSHOT = 3;
    /** Generations remembered as left behind, newest last. */
    private static final int LEFT_GENERATIONS = 16;

    private final FollowerApplier applier;
    private final Path dbPath;
    private volatile FollowerListener listener = FollowerListener.NONE;
    private volatile WalTap tap = WalTap.NONE;
    private volatile Pos upstreamPosition;
    /** The upstream sent something this session while nothing was failing locally: the back-off starts over. */
    private volatile boolean progressed;
    /** The last apply failed locally: reconnects back off further until one succeeds, whatever the upstream does. */
    private volatile boolean applyFailing;
    private IncomingWal incoming;
    /**
     * After a snapshot, the end its first WAL batch must reach before anything is exposed: the snapshot's consistent
     * position (earlier, image plus WAL is not a state the primary ever had) and the position already visible in
     * that generation (readers and the position file never go back); null when no snapshot waits.
     */
    private Pos exposeAt;
    /** Where the last WAL refused as invalid started, and how many times in a row it was refused there. */
    private Pos rejectedAt;
    private int rejections;
    /** Generations this follower moved on from: an upstream still offering one of them is behind, not ahead. */
    private final Set<String> left = new LinkedHashSet<>();

    Feed(FollowerApplier applier, Path dbPath) {
        this.applier = applier;
        this.dbPath = dbPath;
    }

    /** The local database, for messages. */
    public Path dbPath() {
        return dbPath;
    }

    void listen(FollowerListener l) {
        this.listener = l;
    }

    void tap(WalTap t) {
        this.tap = t;
    }

    /** Where the next WAL must start: a staged snapshot's position, else the visible one; empty before any data. */
    public Optional<Pos> position() {
        return applier.position();
    }

    /** What readers of the local database see. */
    public Optional<Pos> visiblePosition() {
        return applier.visiblePosition();
    }

    /**
     * True when only a snapshot can continue (no data, a local write, an unrecoverable crash), or when the WAL at
     * the follower's position was refused as invalid {@link #REJECTIONS_BEFORE_SNAPSHOT} times in a row: an upstream
     * whose copy of it is damaged would otherwise send the same bytes forever.
     */
    public boolean needsSnapshot() {
        return applier.needsSnapshot() || rejections >= REJECTIONS_BEFORE_SNAPSHOT;
    }

    /** {@link #needsSnapshot()}, or the relay tap would rather start over from one (see {@link WalTap}). */
    public boolean wantsSnapshot() {
        if (needsSnapshot()) {
            return true;
        }
        Optional<Pos> visible = applier.visiblePosition();
        return applier.position().equals(visible) && visible.map(tap::wantsSnapshot).orElse(false);
    }

    /** The upstream's latest position heard of, or null. */
    Pos upstreamPosition() {
        return upstreamPosition;
    }

    /**
     * A session starts: nothing half-received carries over from the last one, and what a local failure left
     * half-done (a pending range, a stale position file) is finished first, so the upstream is asked only for what
     * follows.
     */
    void beginSession() throws IOException {
        incoming = null;
        progressed = false;
        try {
            applier.resumeInterrupted();
        } catch (IOException e) {
            throw localFailure(e);
        }
    }

    /** True if the upstream sent anything this session while local applies were succeeding. */
    boolean progressed() {
        return progressed;
    }

    /** The upstream accepted the session; it was at {@code upstream} then. */
    public void connected(Pos upstream) {
        heard(upstream);
        listener.connected(upstream);
    }

    /** The upstream is alive and at {@code upstream}. */
    public void heartbeat(Pos upstream) {
        heard(upstream);
        listener.heartbeat(upstream);
    }

    private void heard(Pos upstream) {
        heard();
        if (upstream != null) {
            upstreamPosition = upstream;
        }
    }

    /**
     * Stages a snapshot image of {@code at} (offset 0 of its index); it becomes visible with that index's WAL from
     * offset 0, once the WAL reaches {@code consistent.get()} (asked after the image was read). Refuses a
     * generation this follower has left: that upstream is behind.
     */
    public void snapshot(Pos at, InputStream image, Supplier<Pos> consistent) throws IOException {
        if (left.contains(at.generation())) {
            throw new ContinuityException("snapshot of generation " + at.generation() + ", which this follower left"
                    + " for a newer one: the upstream is behind");
        }
        heard();
        incoming = null;
        rejections = 0;
        Pos floor = applier.visiblePosition().filter(p -> p.generation().equals(at.generation())).orElse(null);
        long started = System.nanoTime();
        SourceStream source = new SourceStream(image);
        try {
            applier.applySnapshot(at, source);
        } catch (IOException e) {
            throw source.failed ? e : localFailure(e);
        }
        listener.snapshotStaged(at, System.nanoTime() - started);
        exposeAt = later(consistent.get(), floor);
    }

    /**
     * Takes the primary's WAL {@code [start, end)} of one index: it must continue the position (or, with
     * {@code previous} equal to it, start the next index). Applies what is gathered first when the index changes
     * or the batch is full; {@code partial} bytes end inside a transaction and wait for the rest.
     */
    public void segment(Pos start, Pos end, Pos previous, boolean partial, byte[] payload) throws IOException {
        heard();
        Pos expected = incoming != null ? incoming.end() : applier.position().orElse(null);
        boolean continues = start.equals(expected) || previous != null && previous.equals(expected);
        if (!continues) {
            throw new ContinuityException("segment " + start + ".." + end + " does not continue the follower's position "
                    + expected);
        }
        boolean newIndex = incoming != null && start.index() != incoming.start().index();
        if (incoming != null && (newIndex || incoming.committedLength() >= MAX_BATCH_BYTES)) {
            flush();
            if (incoming != null && newIndex) {
                throw new ContinuityException("a partial transaction of index " + incoming.start().index()
                        + " was followed by index " + start.index());
            }
        }
        if (incoming == null) {
            incoming = new IncomingWal(start);
        }
        incoming.append(payload, end, partial);
        listener.received(end);
    }

    /**
     * Applies what is committed, unless a staged snapshot has not reached its exposure point yet; a partial
     * transaction stays gathered.
     */
    public void flush() throws IOException {
        if (incoming == null || incoming.committedEnd() == null) {
            return;
        }
        Pos end = incoming.committedEnd();
        if (exposeAt != null && end.generation().equals(exposeAt.generation()) && end.compareTo(exposeAt) < 0) {
            return;
        }
        byte[] committed = incoming.committedBytes();
        Pos before = applier.visiblePosition().orElse(null);
        tap.wal(incoming.start(), end, committed);
        long started = System.nanoTime();
        try {
            applier.applyWal(incoming.start(), end, committed);
        } catch (InvalidBatchException e) {
            rejected(incoming.start());
            throw e;
        } catch (IOException e) {
            throw localFailure(e);
        }
        applyFailing = false;
        rejections = 0;
        if (before != null && !before.generation().equals(end.generation())) {
            left.remove(before.generation());
            left.add(before.generation());
            if (left.size() > LEFT_GENERATIONS) {
                left.remove(left.iterator().next());
            }
        }
        tap.applied(end);
        listener.walApplied(end, committed.length, System.nanoTime() - started);
        exposeAt = null;
        incoming.dropCommitted();
        if (incoming.isEmpty()) {
            incoming = null;
        }
    }

    private void rejected(Pos start) {
        rejections = start.equals(rejectedAt) ? rejections + 1 : 1;
        rejectedAt = start;
        if (rejections == REJECTIONS_BEFORE_SNAPSHOT) {
            LOG.warn("{}: the WAL at {} was refused {} times in a row; asking for a snapshot", dbPath, start, rejections);
        }
    }

    /**
     * An apply call failed: a refusal (continuity, validation, a local writer, a failed verification) keeps its
     * own handling; anything else is the local disk's or database's failure, not the upstream's.
     */
    private IOException localFailure(IOException e) {
        if (e instanceof ContinuityException || e instanceof InvalidBatchException
                || e instanceof LocalWriteDetectedException || e instanceof VerificationFailedException) {
            return e;
        }
        applyFailing = true;
        return new LocalApplyException(dbPath + ": local write failed: " + MessageText.describe(e), e);
    }

    private void heard() {
        if (!applyFailing) {
            progressed = true;
        }
    }

    private static Pos later(Pos a, Pos b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return !a.generation().equals(b.generation()) || a.compareTo(b) >= 0 ? a : b;
    }

    /** An upstream's snapshot image that remembers whether reading it failed (as opposed to writing it locally). */
    private static final class SourceStream extends FilterInputStream {
        boolean failed;

        SourceStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }
    }
}

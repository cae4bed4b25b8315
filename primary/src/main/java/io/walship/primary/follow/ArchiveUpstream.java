package io.walship.primary.follow;

import io.walship.follower.Feed;
import io.walship.follower.PositionFile;
import io.walship.follower.Upstream;
import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.ReplicaObjectNotFoundException;
import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import io.walship.protocol.Lz4FrameReader;
import io.walship.protocol.Pos;
import io.walship.protocol.ReplicaLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Litestream v0.3 archive (written by walship or by Litestream) as a follower's {@link Upstream}: the newest
 * snapshot of the newest generation, then every WAL segment as it appears. Each poll lists only the keys after the
 * last segment seen. Archive positions are the primary's (segment {@code index_offset} holds the primary's WAL bytes
 * at that offset), so a follower continues here exactly where a stream left it, and the other way round.
 *
 * <p>A snapshot is the database file taken while its index's WAL was live, so it is exposed only together with
 * that index's WAL up to where the writer had got when it took it: all of the index once a later one exists,
 * otherwise what is listed once the snapshot is {@link #SNAPSHOT_SETTLE} old (writers upload the WAL behind a
 * snapshot within a sync interval).
 */
public final class ArchiveUpstream implements Upstream {
    private static final Logger log = LoggerFactory.getLogger(ArchiveUpstream.class);
    static final Duration SNAPSHOT_SETTLE = Duration.ofSeconds(5);
    private static final Duration MIN_GENERATION_CHECK = Duration.ofSeconds(5);

    private final ReplicaClient client;
    private final Duration pollInterval;
    private final ArchiveGenerations generations;
    private final Object wake = new Object();
    private volatile boolean aborted;
    private boolean announced;
    private String waitingFor;

    /** The generation followed, the end of what was fed, and where the next listing starts; null when not yet. */
    private String generation;
    private Pos cursor;
    private Pos listFrom;
    /** Newest object time seen in the generation followed. */
    private Instant lastWritten;
    private long lastGenerationCheck;
    /** Set when the session must restart from a snapshot of this generation. */
    private String resnapshot;
    /** When a snapshot not yet settled was first seen, by its object name. */
    private String settling;
    private long settlingSince;

    public ArchiveUpstream(ReplicaClient client, Duration pollInterval) {
        this.client = client;
        this.pollInterval = pollInterval;
        this.generations = new ArchiveGenerations(client);
    }

    @Override
    public void follow(Feed feed) throws IOException {
        aborted = false;
        cursor = null;
        resnapshot = null;
        while (!aborted) {
            if (cursor == null) {
                if (!establish(feed)) {
                    pause();
                }
            } else {
                poll(feed);
                pause();
            }
        }
    }

    /** Where to start: the follower's own position if the archive still holds it, else a snapshot. */
    private boolean establish(Feed feed) throws IOException {
        Optional<Pos> pos = feed.position();
        String mine = pos.map(Pos::generation).orElse(null);
        if (resnapshot != null) {
            return snapshot(feed, resnapshot);
        }
        boolean held = mine != null && client.generations().contains(mine);
        if (held && !feed.needsSnapshot()) {
            if (resume(feed, pos.get())) {
                return true;
            }
            resnapshot = mine;
            return snapshot(feed, mine);
        }
        Instant since = null;
        if (held) {
            since = writtenLast(mine);
        } else if (mine != null) {
            since = lastApplied(feed);
        }
        GenerationSpan newer = generations.newest(mine, since);
        if (newer != null) {
            return snapshot(feed, newer.generation());
        }
        if (held) {
            return snapshot(feed, mine);
        }
        waitFor(mine == null ? "a generation with a snapshot" : "generation " + mine + " or one begun after it");
        return false;
    }

    /**
     * Continues at {@code pos}: listing from the segment that contains it. False when the archive no longer holds
     * that part of the index (retention), so only a snapshot can continue.
     */
    private boolean resume(Feed feed, Pos pos) throws IOException {
        List<WalSegmentInfo> segments = client.walSegmentsFrom(pos.generation(), pos.index(), 0);
        WalSegmentInfo from = null;
        Instant written = null;
        for (WalSegmentInfo s : segments) {
            if (s.index() == pos.index() && s.offset() <= pos.offset()) {
                from = s;
            }
            written = ArchiveGenerations.max(written, s.createdAt());
        }
        if (from == null && !segments.isEmpty()) {
            log.info("{}: the archive no longer holds WAL index {} at {}; continuing from a snapshot", feed.dbPath(),
                    pos.index(), pos);
            return false;
        }
        if (written == null) {
            // the archive has not reached this index yet: the generation's own age tells when a newer one began
            written = writtenLast(pos.generation());
        }
        start(feed, pos.generation(), pos, from == null ? new Pos(pos.generation(), pos.index(), 0)
                : new Pos(pos.generation(), from.index(), from.offset()), written);
        return true;
    }

    /**
     * Stages the newest snapshot of {@code gen} with its index's WAL as one batch. False while there is none the
     * follower can take yet (older than what it shows, its WAL not there or not settled).
     */
    private boolean snapshot(Feed feed, String gen) throws IOException {
        List<SnapshotInfo> snapshots = client.snapshots(gen);
        if (snapshots.isEmpty()) {
            waitFor("a snapshot of generation " + gen);
            return false;
        }
        SnapshotInfo s = snapshots.get(snapshots.size() - 1);
        Pos floor = feed.visiblePosition().filter(p -> p.generation().equals(gen)).orElse(null);
        if (floor != null && s.index() < floor.index()) {
            waitFor("a snapshot of generation " + gen + " at index " + floor.index() + " or later (the newest is at "
                    + s.index() + ")");
            return false;
        }
        List<WalSegmentInfo> segments = client.walSegmentsFrom(gen, s.index(), 0);
        List<WalSegmentInfo> own = segments.stream().filter(x -> x.index() == s.index()).toList();
        boolean complete = own.size() < segments.size();
        if (own.isEmpty() || own.get(0).offset() != 0) {
            waitFor("the WAL of index " + s.index() + " of generation " + gen + " from offset 0");
            return false;
        }
        if (!complete && !settled(s)) {
            return false;
        }
        List<byte[]> wal = new ArrayList<>();
        long end = 0;
        for (WalSegmentInfo x : own) {
            if (x.offset() != end) {
                waitFor("contiguous WAL segments of index " + s.index() + " of generation " + gen);
                return false;
            }
            byte[] b = read(x);
            wal.add(b);
            end += b.length;
        }
        Pos at = new Pos(gen, s.index(), 0);
        Pos consistent = new Pos(gen, s.index(), end);
        String name = client.describe() + "/" + ReplicaLayout.snapshotPath(gen, s.index());
        try (InputStream image = new Lz4FrameReader(client.openSnapshot(gen, s.index()), name)) {
            feed.snapshot(at, image, () -> consistent);
        }
        log.info("{}: snapshot {} from {}, visible with its WAL up to {}", feed.dbPath(), at, client.describe(),
                consistent);
        Pos p = at;
        for (byte[] b : wal) {
            Pos next = new Pos(gen, s.index(), p.offset() + b.length);
            feed.segment(p, next, null, false, b);
            p = next;
        }
        WalSegmentInfo last = own.get(own.size() - 1);
        start(feed, gen, p, new Pos(gen, last.index(), last.offset() + 1), last.createdAt());
        resnapshot = null;
        feed.flush();
        return true;
    }

    private void start(Feed feed, String gen, Pos at, Pos listAt, Instant written) {
        generation = gen;
        cursor = at;
        listFrom = listAt;
        lastWritten = written;
        lastGenerationCheck = System.nanoTime();
        waitingFor = null;
        if (!announced) {
            log.info("following {} into {}", client.describe(), feed.dbPath());
            announced = true;
        }
        feed.connected(at);
    }

    /** Feeds every segment listed after the last one seen; on a gap (retention) the session re-snapshots. */
    private void poll(Feed feed) throws IOException {
        List<WalSegmentInfo> segments = client.walSegmentsFrom(generation, listFrom.index(), listFrom.offset());
        for (WalSegmentInfo s : segments) {
            if (aborted) {
                break;
            }
            if (!feed(feed, s)) {
                return;
            }
            listFrom = new Pos(generation, s.index(), s.offset() + 1);
            lastWritten = ArchiveGenerations.max(lastWritten, s.createdAt());
        }
        feed.flush();
        feed.heartbeat(cursor);
        if (segments.isEmpty()) {
            checkForNewerGeneration(feed);
        }
    }

    /** Feeds one listed segment; false (and a snapshot next) if it does not continue the cursor. */
    private boolean feed(Feed feed, WalSegmentInfo s) throws IOException {
        boolean sameIndex = s.index() == cursor.index() && s.offset() <= cursor.offset();
        boolean nextIndex = s.index() == cursor.index() + 1 && s.offset() == 0;
        if (!sameIndex && !nextIndex) {
            return gap(feed, "the archive has no WAL segment at " + cursor + " (next is " + s.index() + "/"
                    + s.offset() + ")");
        }
        byte[] b;
        try {
            b = read(s);
        } catch (ReplicaObjectNotFoundException e) {
            return gap(feed, e.getMessage());
        }
        long end = s.offset() + b.length;
        if (nextIndex) {
            Pos start = new Pos(generation, s.index(), 0);
            Pos next = new Pos(generation, s.index(), end);
            feed.segment(start, next, cursor, false, b);
            cursor = next;
        } else if (end > cursor.offset()) {
            Pos next = new Pos(generation, s.index(), end);
            byte[] tail = Arrays.copyOfRange(b, (int) (cursor.offset() - s.offset()), b.length);
            feed.segment(cursor, next, null, false, tail);
            cursor = next;
        }
        return true;
    }

    private boolean gap(Feed feed, String why) throws IOException {
        feed.flush();
        log.info("{}: {}; continuing from a snapshot", feed.dbPath(), why);
        resnapshot = generation;
        cursor = null;
        return false;
    }

    /** While idle, now and then: a generation begun after the last write to this one means the primary moved on. */
    private void checkForNewerGeneration(Feed feed) throws IOException {
        long every = Math.max(MIN_GENERATION_CHECK.toNanos(), 5 * pollInterval.toNanos());
        if (System.nanoTime() - lastGenerationCheck < every) {
            return;
        }
        lastGenerationCheck = System.nanoTime();
        GenerationSpan newer = generations.newest(generation, lastWritten);
        if (newer != null && newer.updatedAt().isAfter(lastWritten)) {
            log.info("{}: the archive has a newer generation {} (begun {}, after {} was last written {});"
                    + " continuing from its snapshot", feed.dbPath(), newer.generation(), newer.createdAt(),
                    generation, lastWritten);
            resnapshot = newer.generation();
            cursor = null;
        }
    }

    /** True once a snapshot is old enough that the WAL behind it has been uploaded too. */
    private boolean settled(SnapshotInfo s) {
        String name = ReplicaLayout.snapshotPath(s.generation(), s.index());
        if (!name.equals(settling)) {
            settling = name;
            settlingSince = System.nanoTime();
        }
        return s.createdAt().plus(SNAPSHOT_SETTLE).isBefore(Instant.now())
                || System.nanoTime() - settlingSince >= SNAPSHOT_SETTLE.toNanos();
    }

    private byte[] read(WalSegmentInfo s) throws IOException {
        String name = client.describe() + "/" + ReplicaLayout.walSegmentPath(s.generation(), s.index(), s.offset());
        try (InputStream in = new Lz4FrameReader(client.openWalSegment(s.generation(), s.index(), s.offset()), name)) {
            return in.readAllBytes();
        }
    }

    /** When the archive's generation was last written to; now if it vanished meanwhile. */
    private Instant writtenLast(String gen) throws IOException {
        GenerationSpan span = generations.span(gen);
        return span == null ? Instant.now() : span.updatedAt();
    }

    /** When the follower last applied anything: how old its generation is, by its own clock. */
    private static Instant lastApplied(Feed feed) throws IOException {
        try {
            return Files.getLastModifiedTime(PositionFile.of(feed.dbPath()).path()).toInstant();
        } catch (NoSuchFileException e) {
            return Instant.now();
        }
    }

    private void waitFor(String what) {
        if (!what.equals(waitingFor)) {
            log.info("{}: waiting for {}", client.describe(), what);
            waitingFor = what;
        }
    }

    private void pause() {
        synchronized (wake) {
            if (!aborted) {
                try {
                    wake.wait(Math.max(1, pollInterval.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    aborted = true;
                }
            }
        }
    }

    @Override
    public void abort() {
        synchronized (wake) {
            aborted = true;
            wake.notifyAll();
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return client.describe();
    }
}

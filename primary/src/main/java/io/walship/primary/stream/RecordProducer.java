package io.walship.primary.stream;

import io.walship.protocol.Pos;
import io.walship.protocol.stream.Payloads;
import io.walship.protocol.stream.StreamRecords;
import io.walship.protocol.stream.proto.EndCode;
import io.walship.protocol.stream.proto.SnapshotReason;
import io.walship.protocol.stream.proto.StreamRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one follower receives, in order: hello; then either a snapshot (announcement, begin, chunks, end) followed
 * by the WAL of the snapshot's index from offset 0, or the WAL from the requested position; then the WAL as the
 * primary commits it, index after index, and a new snapshot whenever the generation changes.
 *
 * <p>Runs only on the follower's pump (one thread at a time) and never waits: a record that cannot be produced yet
 * (snapshot still being staged, nothing new committed) yields null, and {@code wake} is called when that changes.
 */
final class RecordProducer {
    private static final Logger log = LoggerFactory.getLogger(RecordProducer.class);

    private static final long REMOVAL_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private enum Phase { HELLO, ANNOUNCE, STAGING, SNAPSHOT, WAL, ENDED }

    private final String name;
    private final StreamSources sources;
    private final StreamServerOptions options;
    private final Executor snapshotExecutor;
    private final Runnable wake;
    private final StreamMetrics metrics;
    private final AtomicReference<SnapshotSpool> staged = new AtomicReference<>();
    private volatile Throwable stagingFailure;
    private volatile StreamedDatabase db;
    private volatile boolean released;

    private Phase phase = Phase.HELLO;
    private Pos resumed;
    private SnapshotReason reason;
    private String detail;
    private SnapshotSpool spool;
    /** Next byte to send, once in the WAL phase. */
    private Pos cursor;
    /** Final position of the previous index when the cursor just moved to a new one, else null. */
    private Pos previous;
    private int frameSize;
    private long missingSince;

    RecordProducer(String name, StreamedDatabase db, StreamSources sources, StreamServerOptions options,
                   Executor snapshotExecutor, Runnable wake, StreamMetrics metrics) {
        this.name = name;
        this.db = db;
        this.sources = sources;
        this.options = options;
        this.snapshotExecutor = snapshotExecutor;
        this.wake = wake;
        this.metrics = metrics;
    }

    /** Decides where to start; returns why the request is refused, or null to go ahead. */
    String begin(Pos requested) throws IOException {
        ResumeDecision d = ResumeDecision.decide(db, requested, this);
        if (d.rejection() != null) {
            return d.rejection();
        }
        if (d.resume() != null) {
            resumed = d.resume();
            enter(d.resume(), null);
        } else {
            reason = d.reason();
            detail = d.detail();
        }
        db.addListener(wake);
        return null;
    }

    /** The primary's current position, for heartbeats. */
    Pos primaryPosition() {
        return db.position();
    }

    Path databasePath() {
        return db.path();
    }

    /**
     * WAL bytes the primary has captured beyond {@code sent} (across WAL indexes, from the shadow WAL lengths), or -1
     * when that cannot be measured: nothing sent yet, another generation, an index no longer on disk.
     */
    long bytesBehind(Pos sent) {
        StreamedDatabase d = db;
        Pos p = d.position();
        if (sent == null || !p.generation().equals(sent.generation()) || sent.compareTo(p) > 0) {
            return -1;
        }
        long bytes = p.offset() - (sent.index() == p.index() ? sent.offset() : 0);
        try {
            for (long i = sent.index(); i < p.index(); i++) {
                long length = d.shadowLength(p.generation(), i);
                if (length < 0) {
                    return -1;
                }
                bytes += i == sent.index() ? length - sent.offset() : length;
            }
        } catch (IOException e) {
            return -1;
        }
        return Math.max(0, bytes);
    }

    /** The next record to send now, or null if there is none until the next wake-up. */
    StreamRecord next() throws IOException {
        while (true) {
            switch (phase) {
                case HELLO -> {
                    phase = resumed != null ? Phase.WAL : Phase.ANNOUNCE;
                    return StreamRecords.hello(name, db.pageSize(), db.position(), System.currentTimeMillis(),
                            (int) options.heartbeatInterval().toMillis(), options.maxPayloadBytes(), resumed);
                }
                case ANNOUNCE -> {
                    stage();
                    phase = Phase.STAGING;
                    metrics.snapshot(reason);
                    log.info("{}: follower gets a snapshot: {}", name, detail);
                    return StreamRecords.resnapshot(reason, detail);
                }
                case STAGING -> {
                    if (stagingFailure != null) {
                        throw new IOException("snapshot failed: " + stagingFailure.getMessage(), stagingFailure);
                    }
                    spool = staged.getAndSet(null);
                    if (spool == null) {
                        return null;
                    }
                    phase = Phase.SNAPSHOT;
                    return StreamRecords.snapshotBegin(spool.position(), spool.size(), spool.pageSize());
                }
                case SNAPSHOT -> {
                    long offset = spool.offset();
                    byte[] chunk = spool.nextChunk(options.maxPayloadBytes());
                    if (chunk != null) {
                        return StreamRecords.snapshotChunk(offset,
                                Payloads.of(chunk, 0, chunk.length, options.compress()));
                    }
                    StreamRecord end = StreamRecords.snapshotEnd(spool.size(), spool.crc32c(), spool.consistent());
                    enter(spool.position(), null);
                    spool.close();
                    spool = null;
                    phase = Phase.WAL;
                    return end;
                }
                case WAL -> {
                    StreamRecord r = nextWal();
                    if (r != null || phase == Phase.WAL) {
                        return r;
                    }
                }
                case ENDED -> {
                    return null;
                }
            }
        }
    }

    private StreamRecord nextWal() throws IOException {
        StreamedDatabase current = sources.find(name);
        if (current == null) {
            // a replaced database is missing for a moment while it is reopened; a removed one stays missing
            long now = System.nanoTime();
            if (missingSince == 0) {
                missingSince = now;
            }
            if (now - missingSince < REMOVAL_GRACE_NANOS) {
                return null;
            }
            phase = Phase.ENDED;
            return StreamRecords.end(EndCode.END_CODE_DATABASE_REMOVED, "database " + name + " is no longer served");
        }
        missingSince = 0;
        if (current != db) {
            switchTo(current);
            needSnapshot(SnapshotReason.SNAPSHOT_REASON_NEW_GENERATION, "the database file was replaced; now generation "
                    + current.position().generation());
            return null;
        }
        Pos primary = db.position();
        if (!primary.generation().equals(cursor.generation())) {
            needSnapshot(SnapshotReason.SNAPSHOT_REASON_NEW_GENERATION, "the primary started generation "
                    + primary.generation() + " after " + cursor.generation());
            return null;
        }
        long len;
        try {
            len = db.shadowLength(cursor.generation(), cursor.index());
        } catch (IOException e) {
            len = -1;
        }
        if (len < 0) {
            needSnapshot(SnapshotReason.SNAPSHOT_REASON_POSITION_PRUNED, "shadow WAL index " + cursor.index()
                    + " disappeared while streaming");
            return null;
        }
        if (cursor.offset() < len) {
            WalSegmentReader.Segment s = WalSegmentReader.next(db, cursor, len, frameSize, options.maxPayloadBytes());
            StreamRecord r = StreamRecords.walSegment(s.start(), s.end(), previous, s.partial(),
                    Payloads.of(s.data(), 0, s.length(), options.compress()));
            cursor = s.end();
            previous = null;
            return r;
        }
        if (cursor.offset() > len) {
            throw new IOException("stream position " + cursor + " is beyond the shadow WAL's length " + len);
        }
        if (cursor.index() < primary.index()) {
            enter(new Pos(cursor.generation(), cursor.index() + 1, 0), cursor);
            return nextWal();
        }
        return null;
    }

    /** Moves the cursor into an index, keeping its shadow WAL (and later ones) on disk while we read them. */
    private void enter(Pos at, Pos previousEnd) throws IOException {
        db.holdShadowFrom(this, at.generation(), at.index());
        cursor = at;
        previous = previousEnd;
        frameSize = WalSegmentReader.frameSize(db, at.generation(), at.index());
    }

    private void needSnapshot(SnapshotReason why, String words) {
        reason = why;
        detail = words;
        phase = Phase.ANNOUNCE;
    }

    private void switchTo(StreamedDatabase current) {
        db.removeListener(wake);
        db.releaseShadow(this);
        db = current;
        db.addListener(wake);
    }

    /** Stages a snapshot on the snapshot executor; the WAL index it needs is held before it starts. */
    private void stage() {
        StreamedDatabase source = db;
        Pos now = source.position();
        source.holdShadowFrom(this, now.generation(), now.index());
        try {
            snapshotExecutor.execute(() -> {
                try {
                    staged.set(SnapshotSpool.take(source, options.spoolDir()));
                    if (released) {
                        discardStaged();
                    }
                } catch (Throwable t) {
                    stagingFailure = t;
                }
                wake.run();
            });
        } catch (RejectedExecutionException e) {
            stagingFailure = e;
        }
    }

    private void discardStaged() {
        SnapshotSpool s = staged.getAndSet(null);
        if (s != null) {
            s.close();
        }
    }

    /** Lets go of everything the stream held: listener, shadow WALs, staged snapshots. Idempotent. */
    void release() {
        released = true;
        db.removeListener(wake);
        db.releaseShadow(this);
        discardStaged();
        if (spool != null) {
            spool.close();
            spool = null;
        }
        phase = Phase.ENDED;
    }
}

package io.walship.primary.archive;

import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.AgeIdentityRequiredException;
import io.walship.primary.replica.KeepOpenOutputStream;
import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import io.walship.protocol.Bytes;
import io.walship.protocol.Lz4FrameReader;
import io.walship.protocol.Lz4FrameWriter;
import io.walship.protocol.Pos;
import io.walship.protocol.WalHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships one database's shadow WALs to one replica in Litestream v0.3's layout: a snapshot when the replica has
 * none for the current generation, then contiguous WAL segments that each end on a commit, in (index, offset)
 * order; plus scheduled snapshots and retention.
 */
public final class ReplicaWorker {
    private static final Logger log = LoggerFactory.getLogger(ReplicaWorker.class);

    /** Segments are cut near this many WAL bytes (at a commit), so memory stays bounded on a large backlog. */
    static final int MAX_SEGMENT_BYTES = 16 << 20;

    private final CapturedDatabase db;
    private final ReplicaClient client;
    private final ReplicaLease lease;
    private final ReplicaConfig config;
    private final String name;
    /** What the replica holds: everything before this position. Null until computed from the listing. */
    private Pos pos;
    /**
     * Where the replica's last WAL segment starts when it could not be read (age recipients without an identity):
     * its end is unknown, so the next upload writes it again from there, as one segment reaching at least as far.
     */
    private Pos rewriteFrom;
    /** The position after the last successful sync, readable without the worker's lock (metrics). */
    private volatile Pos synced;
    private final LongAdder walBytes = new LongAdder();
    private Instant lastSnapshotAt;
    private final UploadHealth health;
    /** When the snapshot and retention timers fire next (null: not scheduled); kept across reloads. */
    private volatile Instant nextSnapshotAt;
    private volatile Instant nextRetentionAt;

    /** @param lease this daemon's claim on the replica, checked before every write to it */
    public ReplicaWorker(CapturedDatabase db, ReplicaClient client, ReplicaLease lease, ReplicaConfig config, String name) {
        this.db = db;
        this.client = client;
        this.lease = lease;
        this.config = config;
        this.name = name;
        this.health = new UploadHealth(config.syncInterval());
    }

    public UploadHealth health() {
        return health;
    }

    public Instant nextSnapshotAt() {
        return nextSnapshotAt;
    }

    void nextSnapshotAt(Instant at) {
        nextSnapshotAt = at;
    }

    public Instant nextRetentionAt() {
        return nextRetentionAt;
    }

    void nextRetentionAt(Instant at) {
        nextRetentionAt = at;
    }

    public String name() {
        return name;
    }

    public ReplicaClient client() {
        return client;
    }

    ReplicaLease lease() {
        return lease;
    }

    public ReplicaConfig config() {
        return config;
    }

    /** Position after the last successful sync, or null; never waits for a sync in progress. */
    public Pos syncedPosition() {
        return synced;
    }

    /** Uncompressed WAL bytes uploaded (Litestream's {@code litestream_replica_wal_bytes}). */
    public long walBytesWritten() {
        return walBytes.sum();
    }

    /** The replica's position, or null if not yet known. */
    public synchronized Pos position() {
        return pos;
    }

    /** Uploads everything captured so far. On failure the position is recomputed from the replica next time. */
    public synchronized void sync() throws IOException {
        try {
            lease.check();
            syncOnce();
            synced = pos;
        } catch (IOException | RuntimeException e) {
            pos = null;
            throw e;
        }
    }

    private void syncOnce() throws IOException {
        Pos target = db.position();
        String gen = target.generation();
        if (pos == null || !pos.generation().equals(gen)) {
            pos = initialPosition(gen);
            if (pos == null) {
                return; // a new generation began; the next sync snapshots it
            }
        }
        while (true) {
            target = db.position();
            if (!target.generation().equals(gen)) {
                return; // a new generation began meanwhile; the next sync snapshots it
            }
            if (pos.index() < target.index()) {
                long end = db.shadowLength(gen, pos.index());
                if (end < 0) {
                    log.warn("{}: replica {}: shadow wal of index {} is gone locally; taking a new snapshot",
                            db.path(), name, pos.index());
                    pos = snapshot();
                    continue;
                }
                upload(gen, pos.index(), pos.offset(), end, pos.equals(rewriteFrom));
                pos = new Pos(gen, pos.index() + 1, 0);
            } else if (pos.index() == target.index()) {
                // A new index holding only its header waits for its first transaction.
                if (target.offset() > pos.offset() && target.offset() > WalHeader.SIZE) {
                    upload(gen, pos.index(), pos.offset(), target.offset(), pos.equals(rewriteFrom));
                    pos = new Pos(gen, pos.index(), target.offset());
                }
                return;
            } else {
                Pos replica = pos;
                pos = null;
                replicaAhead(replica, target);
                return;
            }
        }
    }

    /** Litestream's calcPos: the end of the newest segment, or the newest snapshot's index at offset 0. */
    private Pos initialPosition(String gen) throws IOException {
        rewriteFrom = null;
        boolean unreadable = false;
        List<SnapshotInfo> snapshots = client.snapshots(gen);
        if (snapshots.isEmpty()) {
            return snapshot();
        }
        lastSnapshotAt = snapshots.stream().map(SnapshotInfo::createdAt).max(Comparator.naturalOrder()).orElse(null);
        List<WalSegmentInfo> segments = client.walSegments(gen);
        Pos p;
        if (segments.isEmpty()) {
            p = new Pos(gen, snapshots.get(snapshots.size() - 1).index(), 0);
        } else {
            WalSegmentInfo last = segments.get(segments.size() - 1);
            try {
                p = new Pos(gen, last.index(), last.offset() + plainLength(last));
            } catch (AgeIdentityRequiredException e) {
                p = new Pos(gen, last.index(), last.offset());
                unreadable = true;
            }
        }
        long localEnd = db.shadowLength(gen, p.index());
        Pos local = db.position();
        if (localEnd >= 0 && p.offset() > localEnd || local.generation().equals(gen) && p.index() > local.index()) {
            replicaAhead(p, localEnd >= 0 ? new Pos(gen, p.index(), localEnd) : local);
            return null;
        }
        // An unreadable segment is not empty, so locally too its index must go on after where it starts.
        if (localEnd < 0 || unreadable && p.offset() == localEnd) {
            log.warn("{}: replica {} position {} does not match the local shadow wal; taking a new snapshot",
                    db.path(), name, p.toLitestreamString());
            return snapshot();
        }
        if (unreadable) {
            log.info("{}: replica {}: the last wal segment is age-encrypted and no identity is configured; writing it"
                    + " again from {}", db.path(), name, p.toLitestreamString());
            rewriteFrom = p;
        }
        return p;
    }

    /**
     * The replica holds more of this generation than the shadow WAL (whose tail a power failure took): writing on
     * would give other bytes positions the replica already has, so the database continues in a new generation.
     */
    private void replicaAhead(Pos replica, Pos local) throws IOException {
        log.warn("{}: replica {} is ahead of the local database ({} > {}); starting a new generation", db.path(), name,
                replica.toLitestreamString(), local.toLitestreamString());
        db.startNewGeneration("replica " + name + " is ahead of the local shadow WAL");
    }

    /** Uncompressed length of a WAL segment in the replica. */
    private long plainLength(WalSegmentInfo s) throws IOException {
        try (InputStream in = new Lz4FrameReader(client.openWalSegment(s.generation(), s.index(), s.offset()),
                client.describe() + " segment " + s.index() + "/" + s.offset())) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /**
     * Writes a snapshot of the current database (snapshot-interval, retention). The upload position is left
     * alone: older snapshots still need the WAL segments before this one.
     */
    public synchronized Pos snapshotNow() throws IOException {
        lease.check();
        return snapshot();
    }

    private Pos snapshot() throws IOException {
        Pos[] at = new Pos[1];
        long started = System.nanoTime();
        String gen = db.position().generation();
        long index = db.position().index();
        client.writeSnapshot(gen, index, out -> {
            try (OutputStream lz4 = Lz4FrameWriter.open(new KeepOpenOutputStream(out))) {
                at[0] = db.snapshot(lz4);
            }
        });
        if (!at[0].generation().equals(gen) || at[0].index() != index) {
            // The database moved on while we named the object; name it again for what it holds.
            throw new IOException(db.path() + ": generation or index changed during snapshot; will retry");
        }
        lastSnapshotAt = Instant.now();
        log.info("{}: replica {}: snapshot written position={} elapsed={}ms", db.path(), name,
                at[0].toLitestreamString(), (System.nanoTime() - started) / 1_000_000);
        return at[0];
    }

    /**
     * Uploads shadow bytes [from, to) of an index as segments that each end on a commit frame; {@code whole}: the
     * first segment takes all of it, since it replaces one whose end is unknown.
     */
    private void upload(String gen, long index, long from, long to, boolean whole) throws IOException {
        int frameSize = db.pageSize() + 24;
        long offset = from;
        while (offset < to) {
            long want = Math.min(to - offset, whole && offset == from ? Integer.MAX_VALUE - 16 : MAX_SEGMENT_BYTES);
            byte[] data = db.readShadow(gen, index, offset, (int) want);
            int len = offset + want == to ? data.length : lastCommitEnd(data, offset, frameSize);
            while (len == 0) {
                // One transaction bigger than the segment limit: it must stay whole, so read further.
                want = Math.min(to - offset, want * 2);
                data = db.readShadow(gen, index, offset, (int) Math.min(want, Integer.MAX_VALUE - 16));
                len = offset + want == to ? data.length : lastCommitEnd(data, offset, frameSize);
            }
            byte[] compressed = Lz4FrameWriter.compress(data, 0, len);
            client.writeWalSegment(gen, index, offset, compressed);
            walBytes.add(len);
            log.debug("{}: replica {}: wal segment written position={}/{}:{} sz={}", db.path(), name, gen,
                    index, offset, len);
            offset += len;
        }
        rewriteFrom = null;
    }

    /** Length of the prefix of {@code data} (starting at WAL offset {@code offset}) that ends on a commit frame. */
    static int lastCommitEnd(byte[] data, long offset, int frameSize) {
        int first = offset == 0 ? WalHeader.SIZE : 0;
        int end = 0;
        for (int at = first; at + frameSize <= data.length; at += frameSize) {
            if (Bytes.getIntBE(data, at + 4) != 0) {
                end = at + frameSize;
            }
        }
        return end;
    }

    /** Time of the newest snapshot this worker knows of (from the listing or its own writes), or null. */
    public synchronized Instant lastSnapshotAt() {
        return lastSnapshotAt;
    }

    /**
     * Litestream's retention: keep snapshots younger than {@code retention} (taking one now if none is), delete
     * generations without such a snapshot (never the current one), and in the rest delete whole indexes below
     * the oldest kept snapshot, each index's offset-0 segment last.
     */
    public synchronized void enforceRetention(Duration retention) throws IOException {
        if (retention == null || retention.isZero()) {
            return;
        }
        lease.check();
        String current = db.position().generation();
        Instant cutoff = Instant.now().minus(retention);
        List<SnapshotInfo> all = new ArrayList<>();
        for (String gen : client.generations()) {
            all.addAll(client.snapshots(gen));
        }
        List<SnapshotInfo> kept = all.stream().filter(s -> !s.createdAt().isBefore(cutoff)).toList();
        if (kept.stream().noneMatch(s -> s.generation().equals(current))) {
            snapshotNow();
            kept = new ArrayList<>(kept);
            kept.addAll(client.snapshots(current).stream().filter(s -> !s.createdAt().isBefore(cutoff)).toList());
        }
        for (String gen : client.generations()) {
            List<SnapshotInfo> keptHere = kept.stream().filter(s -> s.generation().equals(gen)).toList();
            if (keptHere.isEmpty()) {
                if (!gen.equals(current)) {
                    client.deleteGeneration(gen);
                    log.info("{}: replica {}: generation {} deleted by retention", db.path(), name, gen);
                }
                continue;
            }
            long minIndex = keptHere.stream().mapToLong(SnapshotInfo::index).min().orElseThrow();
            for (SnapshotInfo s : client.snapshots(gen)) {
                if (s.index() < minIndex) {
                    client.deleteSnapshot(gen, s.index());
                }
            }
            List<WalSegmentInfo> old = new ArrayList<>(client.walSegments(gen).stream()
                    .filter(s -> s.index() < minIndex).toList());
            // Highest offset first: an interrupted delete never leaves an index without its offset-0 segment.
            old.sort(WalSegmentInfo.ORDER.reversed());
            if (!old.isEmpty()) {
                client.deleteWalSegments(gen, old);
                log.info("{}: replica {}: retention removed {} wal segments below index {} of generation {}",
                        db.path(), name, old.size(), minIndex, gen);
            }
        }
    }
}

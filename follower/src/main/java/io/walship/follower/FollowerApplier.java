package io.walship.follower;

import io.walship.protocol.Pos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Applies the primary's snapshots and WAL ranges to the follower's database while local readers keep reading
 * (follower-apply.md). One instance per database and process; its methods are serialised.
 *
 * <p>Resume after a crash: every batch is spooled to {@code DB_PATH-litestream/} before the journal records it as
 * pending, so {@link #open} re-applies exactly the pending range by itself (spec §5.3 option 1). The client then
 * asks the primary for data from {@link #position()}.
 *
 * <p>Snapshots: the primary's database file is consistent only together with the WAL of its index from offset 0.
 * {@link #applySnapshot} therefore stages the image; it becomes visible, atomically, with the first
 * {@link #applyWal} of that index (which must start at the snapshot's position and should reach at least the
 * primary's position at the time the snapshot was taken).
 */
public final class FollowerApplier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FollowerApplier.class);
    private static final String SNAPSHOT_SPOOL = "snapshot.spool";
    private static final String PENDING_SPOOL = "pending.spool";
    private static final String CLOSED_FINGERPRINT = "closed.fingerprint";

    private final Path dbPath;
    private final Path meta;
    private final ApplierSettings settings;
    private final FileChannel lockChannel;
    private final Journal journal;
    private final PositionFile positionFile;
    private final PendingSpool pendingSpool;
    private LiveDatabase live;
    private JournalState state;
    private String failure;
    private boolean closed;
    /** Relay images being written: checkpoints wait, so the database file and the frames they read stay put. */
    private int imagesRunning;

    private FollowerApplier(Path dbPath, Path meta, ApplierSettings settings, FileChannel lockChannel) {
        this.dbPath = dbPath;
        this.meta = meta;
        this.settings = settings;
        this.lockChannel = lockChannel;
        this.journal = new Journal(meta.resolve("follower.journal"), settings.steps());
        this.positionFile = new PositionFile(meta.resolve("position"), settings.steps());
        this.pendingSpool = new PendingSpool(meta.resolve(PENDING_SPOOL));
    }

    public static FollowerApplier open(Path dbPath) throws IOException {
        return open(dbPath, ApplierSettings.defaults());
    }

    /**
     * Takes the single-follower lock, reads the journal, opens the database if it exists (otherwise the first
     * snapshot bootstraps it offline), re-applies a pending range left by a crash and brings the position file up
     * to the applied position.
     */
    public static FollowerApplier open(Path dbPath, ApplierSettings settings) throws IOException {
        Path db = dbPath.toAbsolutePath();
        Path meta = PositionFile.metaDirectory(db);
        Files.createDirectories(meta);
        FileChannel lockChannel = FileChannel.open(meta.resolve("follower.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new FollowerLockedException(db + ": another follower is already applying to this database");
        }
        FollowerApplier a = new FollowerApplier(db, meta, settings, lockChannel);
        try {
            a.start();
        } catch (IOException | RuntimeException e) {
            a.closeQuietly();
            throw e;
        }
        settings.steps().reached(ApplyStep.OPENED);
        return a;
    }

    private void start() throws IOException {
        Optional<JournalState> recorded = journal.read();
        boolean dbPresent = Files.exists(dbPath) && Files.size(dbPath) > 0;
        Optional<Boolean> untouched = dbPresent ? ClosedFingerprint.takeAndCompare(dbPath, meta.resolve(CLOSED_FINGERPRINT))
                : Optional.empty();
        if (dbPresent) {
            live = LiveDatabase.open(dbPath, settings.steps());
        }
        if (recorded.isEmpty()) {
            state = dbPresent ? JournalState.EMPTY.withResync(ResyncReason.UNKNOWN_STATE, null) : JournalState.EMPTY;
            journal.write(state);
            positionFile.delete();
            return;
        }
        state = recorded.get();
        if (!dbPresent && (state.applied() != null || state.pending() != null && !state.pendingIsSnapshot())) {
            LOG.warn("{}: database is gone; a snapshot is needed", dbPath);
            state = new JournalState(null, null, null, null, state.staged(), state.stagedSpool(), null, null, null,
                    null, null);
            journal.write(state);
            positionFile.delete();
            return;
        }
        if (state.pending() != null) {
            resumePending();
        } else if (live != null && state.applied() != null && state.resync() == null) {
            if (untouched.isPresent() && !untouched.get()) {
                LOG.warn("{}: the database file changed while the follower was stopped; a snapshot is needed", dbPath);
                state = state.withResync(ResyncReason.LOCAL_WRITE, state.applied());
                journal.write(state);
            } else {
                checkNoLocalWritesSinceLastRun();
            }
        }
        publishPositionIfBehind();
    }

    /** Where the next {@link #applyWal} must start: a staged snapshot's position, else the applied one. */
    public synchronized Optional<Pos> position() {
        return Optional.ofNullable(state.staged() != null ? state.staged() : state.applied());
    }

    /** The position whose data readers see, as in the position file; empty before the first snapshot is visible. */
    public synchronized Optional<Pos> visiblePosition() {
        return Optional.ofNullable(state.applied());
    }

    /**
     * True when only a snapshot can continue: no data yet, a local write was detected, the local database had no
     * journal, or a crashed range could not be reproduced. False while a staged snapshot waits for its WAL.
     */
    public synchronized boolean needsSnapshot() {
        return state.staged() == null && (state.applied() == null || state.resync() != null);
    }

    /** Why only a snapshot can continue although data was applied before; empty when that is not the case. */
    synchronized Optional<ResyncReason> resyncReason() {
        return Optional.ofNullable(state.resync());
    }

    /**
     * Stages a raw database image (header bytes 18/19 = 2/2) of position {@code pos} (offset 0 of its WAL index).
     * Nothing becomes visible until the WAL of that index arrives through {@link #applyWal} from {@code pos}.
     */
    public synchronized void applySnapshot(Pos pos, InputStream rawDatabase) throws IOException {
        ensureUsable();
        if (pos.offset() != 0) {
            throw new InvalidBatchException("snapshot position " + pos + " must be at offset 0 of its WAL index");
        }
        if (state.pending() != null) {
            resumePending();
        }
        Pos floor = floorFor(pos.generation());
        if (floor != null && pos.index() < floor.index()) {
            throw new ContinuityException("snapshot " + pos + " is older than the follower's position " + floor);
        }
        Path spool = meta.resolve(SNAPSHOT_SPOOL);
        SpoolInfo info = SnapshotSpool.write(spool, rawDatabase);
        try (FileChannel ch = FileChannel.open(spool, StandardOpenOption.READ)) {
            SnapshotSpool.Image image = SnapshotSpool.inspect(ch);
            if (live != null && image.pageSize() != live.pageSize()) {
                throw new InvalidBatchException("snapshot page size " + image.pageSize() + " differs from the local "
                        + live.pageSize() + ": stop readers and delete " + dbPath + " to bootstrap it again");
            }
        }
        state = state.withStaged(pos, info);
        journal.write(state);
    }

    /**
     * Applies the primary's WAL bytes {@code [start.offset, end.offset)} of index {@code start.index()} (with the
     * 32-byte header when {@code start.offset == 0}) as one local transaction, then records {@code end} in the
     * journal and the position file. {@code start} must be {@link #position()} or offset 0 of the next index.
     */
    public synchronized void applyWal(Pos start, Pos end, byte[] primaryWal) throws IOException {
        ensureUsable();
        if (state.pending() != null) {
            Pos pendingStart = state.pendingStart();
            Pos pendingEnd = state.pending();
            resumePending();
            if (start.equals(pendingStart) && end.equals(pendingEnd) && end.equals(state.applied())) {
                return;
            }
        }
        Prepared p = prepare(start, end, primaryWal);
        try {
            if (!p.batch.isSnapshot() && !p.range.hasFrames()) {
                record(p, state.local());
                return;
            }
            SpoolInfo spool = pendingSpool.write(primaryWal);
            state = state.withPending(start, end, spool);
            journal.write(state);
            settings.steps().reached(ApplyStep.PENDING_PERSISTED);
            execute(p, false);
        } finally {
            p.close();
        }
    }

    /** The local database's page size, or 0 while it does not exist yet. */
    public synchronized int pageSize() {
        return live == null ? 0 : live.pageSize();
    }

    /**
     * Writes the database exactly as readers see it now, the primary's state at the returned position, without
     * stopping the applier: checkpoints wait until the image is written, and WAL applied meanwhile goes after the
     * frames it reads. A relay serves this image as its snapshot; replaying the WAL of the position's index from
     * offset 0 over it gives back the same state, as over the primary's own snapshots.
     */
    public Pos writeImage(OutputStream out) throws IOException {
        LocalWalState local;
        Pos at;
        synchronized (this) {
            ensureUsable();
            if (live == null || state.applied() == null || state.resync() != null || state.pending() != null) {
                throw new FollowerException(dbPath + ": no consistent copy of the primary's database to serve yet");
            }
            local = live.localState();
            at = state.applied();
            imagesRunning++;
        }
        try {
            live.writeImage(local, out);
            return at;
        } finally {
            synchronized (this) {
                imagesRunning--;
            }
        }
    }

    /**
     * Finishes what a failed call left in this process (a full disk), as {@link #open} does after a crash: re-applies
     * a pending range from its spool, so {@link #position()} is past it, and writes a position file left behind the
     * applied position (its write failed after the journal's, and an idle primary may send nothing more to apply).
     * The follower calls this before each reconnect, so it retries locally and asks the primary only for what follows.
     */
    public synchronized void resumeInterrupted() throws IOException {
        ensureUsable();
        if (state.pending() != null) {
            resumePending();
        }
        publishPositionIfBehind();
    }

    /** Runs the checkpoint policy now (spec §9.1): TRUNCATE, tolerating readers that pin the WAL. */
    public synchronized CheckpointResult checkpoint() throws IOException {
        ensureUsable();
        if (live == null) {
            return new CheckpointResult(false, 0, 0);
        }
        if (imagesRunning > 0) {
            return new CheckpointResult(true, -1, -1);
        }
        CheckpointResult r = live.checkpoint();
        if (state.applied() != null && state.resync() == null) {
            LocalWalState now = live.localState();
            if (state.local() == null || !now.sameAs(state.local())) {
                state = state.withLocal(now);
                journal.write(state);
            }
        }
        return r;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        boolean leaveFingerprint = false;
        if (live != null && failure == null && state.applied() != null && state.resync() == null && state.pending() == null
                && state.staged() == null) {
            try {
                CheckpointResult r = checkpoint();
                leaveFingerprint = !r.busy() && r.logFrames() == 0;
            } catch (IOException e) {
                LOG.debug("{}: final checkpoint: {}", dbPath, e.getMessage());
            }
        }
        closed = true;
        try {
            pendingSpool.close();
            if (live != null) {
                live.close();
                if (leaveFingerprint) {
                    ClosedFingerprint.record(dbPath, meta.resolve(CLOSED_FINGERPRINT));
                }
            }
        } finally {
            lockChannel.close();
        }
    }

    private record Prepared(PrimaryRange range, Batch batch, FileChannel snapshot) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (snapshot != null) {
                snapshot.close();
            }
        }
    }

    /** A1: continuity and validation; nothing is written. */
    private Prepared prepare(Pos start, Pos end, byte[] bytes) throws IOException {
        if (state.staged() != null && state.staged().generation().equals(start.generation())
                && start.index() == state.staged().index()) {
            if (!start.equals(state.staged())) {
                throw new ContinuityException("a snapshot at " + state.staged() + " waits for the WAL of its index"
                        + " from offset 0; got a range starting at " + start);
            }
            Pos floor = floorFor(end.generation());
            if (floor != null && end.compareTo(floor) < 0) {
                throw new ContinuityException("snapshot plus WAL up to " + end + " would end before the follower's"
                        + " position " + floor);
            }
            PrimaryRange range = PrimaryRange.validate(start, end, bytes, null, null);
            FileChannel ch = openSpool(SNAPSHOT_SPOOL, state.stagedSpool());
            try {
                return new Prepared(range, Batch.ofSnapshot(ch, SnapshotSpool.inspect(ch), range), ch);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
        Pos applied = state.applied();
        if (applied == null) {
            throw new ContinuityException("the follower has no data yet: a snapshot is needed before " + start);
        }
        if (state.resync() == ResyncReason.LOCAL_WRITE) {
            throw new LocalWriteDetectedException(dbPath + " was written locally: a snapshot is needed");
        }
        if (state.resync() != null) {
            throw new ContinuityException(dbPath + ": state " + state.resync() + ", a snapshot is needed");
        }
        if (!start.generation().equals(applied.generation())) {
            throw new ContinuityException("range starts in generation " + start.generation() + " but the follower is at "
                    + applied + ": a new generation needs a snapshot");
        }
        PrimaryRange range;
        if (start.equals(applied)) {
            range = PrimaryRange.validate(start, end, bytes, state.primaryHeader(), state.primaryChain());
        } else if (start.index() == applied.index() + 1 && start.offset() == 0) {
            range = PrimaryRange.validate(start, end, bytes, null, null);
            if (state.primaryHeader() == null || !range.header().isRestartOf(state.primaryHeader())) {
                throw new ContinuityException("WAL index " + start.index() + " does not restart index "
                        + applied.index() + " (checkpoint sequence and salt-1 must be one higher)");
            }
        } else {
            String what = start.compareTo(applied) < 0 ? "overlaps" : "leaves a gap after";
            throw new ContinuityException("range starting at " + start + " " + what + " the applied position " + applied);
        }
        if (live.pageSize() != range.pageSize()) {
            throw new InvalidBatchException("primary page size " + range.pageSize() + " differs from the local "
                    + live.pageSize());
        }
        return new Prepared(range, Batch.ofRange(range), null);
    }

    /** A3-A13 for a validated batch whose pending range is already in the journal. */
    private void execute(Prepared p, boolean resuming) throws IOException {
        LocalWalState after;
        if (live == null) {
            after = bootstrapOffline(p.batch);
        } else {
            LocalWalState expected = resuming || p.batch.isSnapshot() ? null : state.local();
            try {
                after = live.apply(p.batch, expected, settings.lockWait());
            } catch (LocalWriteDetectedException e) {
                state = state.withoutPending().withResync(ResyncReason.LOCAL_WRITE, state.applied());
                journal.write(state);
                throw e;
            } catch (VerificationFailedException e) {
                failure = e.getMessage();
                throw e;
            }
        }
        record(p, after);
        if (p.batch.isSnapshot() || live.walSize() > settings.checkpointWalBytes()) {
            try {
                checkpoint();
            } catch (IOException e) {
                LOG.warn("{}: checkpoint after apply failed: {}", dbPath, e.getMessage());
            }
        }
    }

    /** A12-A13: the journal records the visible position, then the position file names it. */
    private void record(Prepared p, LocalWalState local) throws IOException {
        PrimaryRange r = p.range;
        state = state.appliedTo(r.end(), r.header(), r.endChain(), local, p.batch.isSnapshot());
        journal.write(state);
        settings.steps().reached(ApplyStep.APPLIED_PERSISTED);
        pendingSpool.applied();
        if (p.batch.isSnapshot()) {
            Files.deleteIfExists(meta.resolve(SNAPSHOT_SPOOL));
        }
        positionFile.write(r.end());
        settings.steps().reached(ApplyStep.POSITION_WRITTEN);
    }

    /**
     * Spec §10.3, only while no database exists (so nobody can have it open): the image goes to a temp file in the
     * same folder, is synced and renamed over the database path; then the database is opened as usual.
     */
    private LocalWalState bootstrapOffline(Batch batch) throws IOException {
        if (!batch.isSnapshot()) {
            throw new ContinuityException(dbPath + " does not exist: a snapshot is needed");
        }
        Path tmp = dbPath.resolveSibling(dbPath.getFileName() + ".walship-bootstrap");
        int pageSize = batch.pageSize();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            batch.forEachPage((pgno, buf, off) ->
                    AtomicFiles.writeFully(ch, ByteBuffer.wrap(buf, off, pageSize), (long) (pgno - 1) * pageSize));
            ch.force(true);
        }
        settings.steps().reached(ApplyStep.BOOTSTRAP_IMAGE_WRITTEN);
        LiveDatabase.deleteWalAndShm(dbPath);
        Files.move(tmp, dbPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.syncDirectory(dbPath.getParent());
        live = LiveDatabase.open(dbPath, settings.steps());
        int pages = live.pageCount();
        if (pages != batch.finalSize()) {
            throw new VerificationFailedException(dbPath + ": bootstrapped database has " + pages + " pages, expected "
                    + batch.finalSize());
        }
        return live.localState();
    }

    /** Spec §7.2: rebuild exactly {@code (pendingStart, pending]} from the spool and run A3-A13 again. */
    private void resumePending() throws IOException {
        Pos start = state.pendingStart();
        Pos end = state.pending();
        byte[] bytes;
        try {
            bytes = pendingSpool.read(state.pendingSpool());
        } catch (InvalidBatchException e) {
            LOG.warn("{}: pending range {} .. {} cannot be reproduced ({}); a snapshot is needed", dbPath, start, end,
                    e.getMessage());
            state = state.withoutPending().withResync(ResyncReason.PENDING_LOST, end);
            journal.write(state);
            return;
        }
        LOG.info("{}: re-applying the range {} .. {} of an interrupted apply", dbPath, start, end);
        JournalState pendingState = state;
        state = state.withoutPending();
        Prepared p;
        try {
            p = prepare(start, end, bytes);
        } finally {
            state = pendingState;
        }
        try {
            execute(p, true);
        } finally {
            p.close();
        }
    }

    /** Re-checks the spool a journal record names: same length, same CRC, or the range is not reproducible. */
    private FileChannel openSpool(String name, SpoolInfo info) throws IOException {
        Path path = meta.resolve(name);
        if (info == null || !Files.exists(path)) {
            throw new InvalidBatchException(path + " is missing");
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        if (ch.size() != info.length() || SnapshotSpool.crc(ch) != info.crc()) {
            ch.close();
            throw new InvalidBatchException(path + " does not match its journal record (length or CRC)");
        }
        return ch;
    }

    /** The lowest acceptable end of a snapshot batch in {@code generation}: never behind what may be visible. */
    private Pos floorFor(String generation) {
        Pos floor = null;
        for (Pos p : new Pos[] {state.applied(), state.floor()}) {
            if (p != null && p.generation().equals(generation) && (floor == null || p.compareTo(floor) > 0)) {
                floor = p;
            }
        }
        return floor;
    }

    /**
     * Between runs the last connection to close may checkpoint and delete the WAL; anything else that changed
     * the wal-index, or the page count, was a local write.
     */
    private void checkNoLocalWritesSinceLastRun() throws IOException {
        LocalWalState expected = state.local();
        LocalWalState now = live.localState();
        boolean same = expected != null && (now.mxFrame() > 0 ? now.sameAs(expected) : live.pageCount() == expected.nPage());
        if (!same) {
            LOG.warn("{}: the database changed while the follower was stopped ({}, expected {}); a snapshot is needed",
                    dbPath, now, expected);
            state = state.withResync(ResyncReason.LOCAL_WRITE, state.applied());
        } else {
            state = state.withLocal(now);
        }
        journal.write(state);
    }

    /** The position file may lag the journal by one crash (spec §5.2); it never runs ahead. */
    private void publishPositionIfBehind() throws IOException {
        Pos applied = state.applied();
        if (applied == null) {
            return;
        }
        Optional<Pos> published = positionFile.read();
        if (published.isEmpty() || !published.get().generation().equals(applied.generation())
                || published.get().compareTo(applied) < 0) {
            positionFile.write(applied);
        }
    }

    private void ensureUsable() throws IOException {
        if (closed) {
            throw new FollowerException(dbPath + ": follower applier is closed");
        }
        if (failure != null) {
            throw new VerificationFailedException("applying stopped after a failed verification: " + failure);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            LOG.debug("{}: close after a failed open: {}", dbPath, e.getMessage());
        }
    }
}

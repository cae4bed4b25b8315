package io.walship.follower;

import io.walship.protocol.Bytes;
import io.walship.protocol.DatabaseImage;
import io.walship.protocol.WalChecksum;
import io.walship.protocol.WalFrameHeader;
import io.walship.protocol.WalHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;

/**
 * The follower's live database: its dedicated JDBC connection and the long-lived -wal and -shm channels. It is the
 * only class that touches the database, -wal or -shm (spec I7: a short-lived descriptor on the database or -shm
 * would drop this process's POSIX locks on close). Implements the locked part of the apply procedure, A3-A11.
 */
final class LiveDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveDatabase.class);
    private static final int BUSY_TIMEOUT_MS = 5000;
    private static final int CHECKPOINT_BUSY_TIMEOUT_MS = 50;
    private static final int WRITE_CHUNK = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dbPath;
    private final Connection conn;
    private final FileChannel wal;
    private final FileChannel shm;
    private final int pageSize;
    private final StepListener steps;
    /**
     * Read-only descriptor on the database file for relay images, opened on first use and never closed: closing
     * any descriptor of the file drops every POSIX lock this process holds on it, other connections' included.
     */
    private FileChannel dbReader;

    private LiveDatabase(Path dbPath, Connection conn, FileChannel wal, FileChannel shm, int pageSize, StepListener steps) {
        this.dbPath = dbPath;
        this.conn = conn;
        this.wal = wal;
        this.shm = shm;
        this.pageSize = pageSize;
        this.steps = steps;
    }

    /** Spec §3.1 steps 2-3: connection and pragmas, one read to map (and if stale recover) the -shm, then channels. */
    static LiveDatabase open(Path dbPath, StepListener steps) throws IOException {
        Connection conn;
        try {
            conn = DriverManager.getConnection("jdbc:sqlite:" + dbPath);
        } catch (SQLException e) {
            throw new FollowerException(dbPath + ": cannot open the database: " + e.getMessage(), e);
        }
        try {
            conn.setAutoCommit(true);
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
                String mode = queryString(st, "PRAGMA journal_mode");
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new InvalidBatchException(dbPath + ": database is in journal_mode=" + mode
                            + ", not wal: it was not created from a snapshot");
                }
                st.execute("PRAGMA wal_autocheckpoint=0");
                st.execute("PRAGMA synchronous=FULL");
                queryString(st, "SELECT count(*) FROM sqlite_master");
                int pageSize = Integer.parseInt(queryString(st, "PRAGMA page_size"));
                FileChannel wal = FileChannel.open(sibling(dbPath, "-wal"), StandardOpenOption.READ,
                        StandardOpenOption.WRITE, StandardOpenOption.CREATE);
                FileChannel shm = FileChannel.open(sibling(dbPath, "-shm"), StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                return new LiveDatabase(dbPath, conn, wal, shm, pageSize, steps);
            }
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // the open failure is the error worth reporting
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new FollowerException(dbPath + ": cannot prepare the database: " + e.getMessage(), e);
        }
    }

    /** Offline path only (no connection exists): a stale -wal next to a new database file would be replayed. */
    static void deleteWalAndShm(Path dbPath) throws IOException {
        Files.deleteIfExists(sibling(dbPath, "-wal"));
        Files.deleteIfExists(sibling(dbPath, "-shm"));
    }

    private static Path sibling(Path dbPath, String suffix) {
        return dbPath.resolveSibling(dbPath.getFileName() + suffix);
    }

    int pageSize() {
        return pageSize;
    }

    long walSize() throws IOException {
        return wal.size();
    }

    int pageCount() throws IOException {
        try (Statement st = conn.createStatement()) {
            return Integer.parseInt(queryString(st, "PRAGMA page_count"));
        } catch (SQLException e) {
            throw new FollowerException(dbPath + ": PRAGMA page_count failed: " + e.getMessage(), e);
        }
    }

    /** The wal-index header; retried briefly while a reader is in the middle of a recovery (spec §8.1). */
    ShmHeader readShmHeader() throws IOException {
        ShmHeader h = readShmOnce();
        for (int i = 0; i < 400 && !h.valid(); i++) {
            sleep(5);
            h = readShmOnce();
        }
        return h;
    }

    /** The live wal-index as the follower records it, see {@link #localState(ShmHeader)}. */
    LocalWalState localState() throws IOException {
        return localState(readShmHeader());
    }

    /**
     * A wal-index rebuilt from an empty WAL (after a restart over a checkpointed WAL, or a bootstrap) has nPage 0,
     * meaning "the size of the database file". The follower records the actual size instead: the journal must tell
     * a later restart which page count to expect, and 0 would read as a local write.
     */
    private LocalWalState localState(ShmHeader h) throws IOException {
        LocalWalState s = h.state();
        return s.mxFrame() == 0 && s.nPage() == 0
                ? new LocalWalState(0, pageCount(), s.salt(), s.frameChecksum()) : s;
    }

    private ShmHeader readShmOnce() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(ShmHeader.SIZE);
        if (!AtomicFiles.readFully(shm, b, 0)) {
            throw new FollowerException(dbPath + "-shm is shorter than a wal-index header");
        }
        return ShmHeader.parse(b.array());
    }

    /**
     * A3-A11 for one batch: appends the batch after the live {@code mxFrame} with the local salts and chain,
     * invalidates the wal-index, commits, triggers recovery and verifies. {@code expected}, when given, is the
     * wal-index state the follower left; anything else means a local process wrote.
     */
    LocalWalState apply(Batch batch, LocalWalState expected, Duration lockWait) throws IOException {
        if (batch.pageSize() != pageSize) {
            throw new InvalidBatchException("batch page size " + batch.pageSize() + " differs from the local database's "
                    + pageSize + " (a page size change needs a fresh bootstrap)");
        }
        beginImmediate(lockWait);
        int lastFrame;
        try {
            lastFrame = appendAndInvalidate(batch, expected);
        } finally {
            endTransaction();
        }
        steps.reached(ApplyStep.COMMITTED);
        triggerRecovery();
        steps.reached(ApplyStep.RECOVERED);
        ShmHeader after = readShmHeader();
        if (!after.valid() || after.mxFrame() != lastFrame || after.nPage() != batch.finalSize()) {
            throw new VerificationFailedException(dbPath + ": batch not visible after recovery: expected mxFrame="
                    + lastFrame + " nPage=" + batch.finalSize() + ", wal-index valid=" + after.valid() + " "
                    + after.state());
        }
        steps.reached(ApplyStep.VERIFIED);
        return localState(after);
    }

    /** A4-A8, inside the write transaction. Returns the number of the commit frame written. */
    private int appendAndInvalidate(Batch batch, LocalWalState expected) throws IOException {
        ShmHeader h = readShmOnce();
        if (!h.valid()) {
            throw new FollowerException(dbPath + ": wal-index header invalid while holding the write lock");
        }
        if (expected != null) {
            LocalWalState now = localState(h);
            if (!expected.sameAs(now)) {
                throw new LocalWriteDetectedException(dbPath + ": the database was written or checkpointed by another"
                        + " process (wal-index " + now + ", follower left " + expected + ")");
            }
        }
        int frameSize = WalFrameHeader.SIZE + pageSize;
        long liveEnd = WalHeader.SIZE + (long) h.mxFrame() * frameSize;
        boolean bigEndian;
        WalChecksum chain;
        byte[] salt;
        if (h.mxFrame() > 0) {
            if (h.pageSize() != pageSize) {
                throw new FollowerException(dbPath + ": wal-index page size " + h.pageSize() + " is not " + pageSize);
            }
            checkLiveTail(h, liveEnd, frameSize);
            bigEndian = h.bigEndianChecksums();
            chain = h.frameChecksum();
            salt = h.salt();
        } else {
            WalHeader fresh = freshHeader();
            AtomicFiles.writeFully(wal, ByteBuffer.wrap(fresh.toBytes()), 0);
            wal.force(false);
            steps.reached(ApplyStep.HEADER_WRITTEN);
            bigEndian = false;
            chain = fresh.checksum();
            salt = Arrays.copyOfRange(fresh.toBytes(), 16, 24);
        }
        int lastFrame = writeFrames(batch, h.mxFrame() + 1, liveEnd, bigEndian, chain, salt);
        wal.force(false);
        steps.reached(ApplyStep.WAL_SYNCED);
        zeroShmByte(ShmHeader.IS_INIT_COPY2);
        steps.reached(ApplyStep.SHM_HALF_INVALIDATED);
        zeroShmByte(ShmHeader.IS_INIT_COPY1);
        return lastFrame;
    }

    /** A5a sanity: the WAL on disk must be the one the wal-index describes. */
    private void checkLiveTail(ShmHeader h, long liveEnd, int frameSize) throws IOException {
        if (wal.size() < liveEnd) {
            throw new FollowerException(dbPath + "-wal is " + wal.size() + " bytes, shorter than mxFrame=" + h.mxFrame());
        }
        ByteBuffer head = ByteBuffer.allocate(WalHeader.SIZE);
        ByteBuffer last = ByteBuffer.allocate(WalFrameHeader.SIZE);
        AtomicFiles.readFully(wal, head, 0);
        AtomicFiles.readFully(wal, last, liveEnd - frameSize);
        byte[] lb = last.array();
        boolean ok = Arrays.equals(head.array(), 16, 24, h.salt(), 0, 8) && Arrays.equals(lb, 8, 16, h.salt(), 0, 8)
                && Bytes.getIntBE(lb, 16) == h.frameChecksum().s0() && Bytes.getIntBE(lb, 20) == h.frameChecksum().s1();
        if (!ok) {
            throw new FollowerException(dbPath + "-wal does not match its wal-index at frame " + h.mxFrame());
        }
    }

    /** Spec §2.1: checkpoint sequence and salt-1 one above the old header's, so its frames fail the salt test. */
    private WalHeader freshHeader() throws IOException {
        int seq = 0;
        int salt1 = RANDOM.nextInt();
        if (wal.size() >= WalHeader.SIZE) {
            ByteBuffer old = ByteBuffer.allocate(WalHeader.SIZE);
            AtomicFiles.readFully(wal, old, 0);
            seq = Bytes.getIntBE(old.array(), 12) + 1;
            salt1 = Bytes.getIntBE(old.array(), 16) + 1;
        }
        return WalHeader.create(false, pageSize, seq, salt1, RANDOM.nextInt());
    }

    /** A6: one frame per page, commit size on the last; never below the live end (I1). */
    private int writeFrames(Batch batch, int firstFrame, long liveEnd, boolean bigEndian, WalChecksum seed, byte[] salt)
            throws IOException {
        int frameSize = WalFrameHeader.SIZE + pageSize;
        int total = batch.frameCount();
        ByteBuffer buf = ByteBuffer.allocate(Math.max(frameSize, WRITE_CHUNK / frameSize * frameSize));
        long[] at = {liveEnd};
        int[] written = {0};
        WalChecksum[] chain = {seed};
        batch.forEachPage((pgno, src, off) -> {
            if (buf.remaining() < frameSize) {
                flush(buf, at, liveEnd);
            }
            byte[] b = buf.array();
            int p = buf.position();
            written[0]++;
            System.arraycopy(src, off, b, p + WalFrameHeader.SIZE, pageSize);
            chain[0] = WalFrameHeader.write(b, p, pgno, written[0] == total ? batch.finalSize() : 0, salt, bigEndian,
                    pageSize, chain[0]);
            buf.position(p + frameSize);
            if (written[0] == total / 2 && total > 1) {
                flush(buf, at, liveEnd);
                steps.reached(ApplyStep.FRAMES_HALF_WRITTEN);
            }
        });
        flush(buf, at, liveEnd);
        if (written[0] != total) {
            throw new IllegalStateException("batch produced " + written[0] + " frames, expected " + total);
        }
        return firstFrame + total - 1;
    }

    private void flush(ByteBuffer buf, long[] at, long liveEnd) throws IOException {
        if (at[0] < liveEnd) {
            throw new IllegalStateException("refusing to write the WAL at " + at[0] + ", below the live end " + liveEnd);
        }
        buf.flip();
        int n = buf.remaining();
        AtomicFiles.writeFully(wal, buf, at[0]);
        at[0] += n;
        buf.clear();
    }

    private void zeroShmByte(int offset) throws IOException {
        AtomicFiles.writeFully(shm, ByteBuffer.wrap(new byte[1]), offset);
    }

    /** A3: BEGIN IMMEDIATE, retried with back-off while another connection holds the write lock. */
    private void beginImmediate(Duration lockWait) throws IOException {
        long deadline = System.nanoTime() + lockWait.toNanos();
        long warnAt = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long backoff = 1;
        while (true) {
            try (Statement st = conn.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                return;
            } catch (SQLException e) {
                if (!isBusy(e)) {
                    throw new FollowerException(dbPath + ": BEGIN IMMEDIATE failed: " + e.getMessage(), e);
                }
                if (System.nanoTime() > deadline) {
                    throw new FollowerException(dbPath + ": write lock held by another connection for more than "
                            + lockWait.toSeconds() + " s (a local writer?)", e);
                }
                if (System.nanoTime() > warnAt) {
                    LOG.warn("{}: waiting for the write lock (a local writer or a stuck process holds it)", dbPath);
                    warnAt = Long.MAX_VALUE;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 100);
            }
        }
    }

    /** A9: COMMIT with no dirty pages writes nothing and releases the write lock. */
    private void endTransaction() throws IOException {
        try (Statement st = conn.createStatement()) {
            st.execute("COMMIT");
        } catch (SQLException e) {
            throw new FollowerException(dbPath + ": COMMIT of the apply transaction failed: " + e.getMessage(), e);
        }
    }

    /** A10: a cheap read makes this connection rebuild the wal-index from the WAL (not a checkpoint). */
    private void triggerRecovery() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Statement st = conn.createStatement()) {
                queryString(st, "PRAGMA schema_version");
                return;
            } catch (SQLException e) {
                if (!isBusy(e) || System.nanoTime() > deadline) {
                    throw new FollowerException(dbPath + ": recovery read failed: " + e.getMessage(), e);
                }
                sleep(5);
            }
        }
    }

    /**
     * Writes the database as the wal-index {@code local} shows it: the database file with the newest copy of each
     * page among the first {@code local.mxFrame()} frames of the -wal. The caller keeps checkpoints from running
     * meanwhile; appends after those frames change neither.
     */
    void writeImage(LocalWalState local, OutputStream out) throws IOException {
        FileChannel db;
        synchronized (this) {
            if (dbReader == null) {
                dbReader = FileChannel.open(dbPath, StandardOpenOption.READ);
            }
            db = dbReader;
        }
        long end = local.mxFrame() == 0 ? 0 : WalHeader.SIZE + (long) local.mxFrame() * (WalFrameHeader.SIZE + pageSize);
        DatabaseImage.write(db, wal, pageSize, end, out);
    }

    /** Spec §9.1: TRUNCATE with a short busy timeout; a busy reader is normal and leaves the WAL as it is. */
    CheckpointResult checkpoint() throws IOException {
        steps.reached(ApplyStep.CHECKPOINT_STARTING);
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA busy_timeout=" + CHECKPOINT_BUSY_TIMEOUT_MS);
            try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                rs.next();
                CheckpointResult r = new CheckpointResult(rs.getInt(1) != 0, rs.getInt(2), rs.getInt(3));
                steps.reached(ApplyStep.CHECKPOINT_DONE);
                return r;
            } catch (SQLException e) {
                if (isBusy(e)) {
                    return new CheckpointResult(true, -1, -1);
                }
                throw new FollowerException(dbPath + ": checkpoint failed: " + e.getMessage(), e);
            } finally {
                st.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            }
        } catch (SQLException e) {
            throw new FollowerException(dbPath + ": checkpoint failed: " + e.getMessage(), e);
        }
    }

    /**
     * Closes the JDBC connection and the -wal channel. The -shm channel stays open until the process exits: closing
     * it would drop the fcntl locks other connections of this process hold on the -shm (spec §3.2).
     */
    @Override
    public void close() throws IOException {
        try {
            conn.close();
        } catch (SQLException e) {
            throw new FollowerException(dbPath + ": close failed: " + e.getMessage(), e);
        } finally {
            wal.close();
        }
    }

    private static boolean isBusy(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        return code == 5 || code == 6;
    }

    private static String queryString(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }
}

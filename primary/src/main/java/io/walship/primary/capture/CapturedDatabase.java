package io.walship.primary.capture;

import io.walship.follower.PositionFile;
import io.walship.primary.config.DbConfig;
import io.walship.primary.stream.StreamedDatabase;
import io.walship.protocol.DatabaseImage;
import io.walship.protocol.Generation;
import io.walship.protocol.Pos;
import io.walship.protocol.WalChecksum;
import io.walship.protocol.WalFormatException;
import io.walship.protocol.WalFrameHeader;
import io.walship.protocol.WalFrameScanner;
import io.walship.protocol.WalHeader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures a live SQLite database's WAL into shadow WALs, one per WAL life ("index"), and runs its checkpoints.
 *
 * <p>Why it cannot lose a frame: SQLite only overwrites WAL frames when it restarts the WAL, which needs every
 * frame checkpointed into the database; a checkpoint cannot pass a reader's snapshot. We keep a read transaction
 * (the "pin") open at all times, and we only ever (re)take it while holding SQLite's write lock with the shadow
 * already holding every committed frame. From then on at most one restart can happen before our next
 * checkpoint, and only after everything in the old WAL was copied; it shows as a header with salt-1 one
 * higher (the checkpoint sequence is the restarting connection's own counter, see WalHeader#isRestartOf). Any other change to the WAL header means someone else broke continuity,
 * and we start a new generation rather than ship a wrong database.
 *
 * <p>Connections: {@code conn} runs checkpoints and our bookkeeping writes, {@code readConn} holds the pin,
 * {@code lockConn} takes the write lock. The database file is read through one long-lived channel, because
 * closing any descriptor of it would drop SQLite's POSIX locks in this process.
 */
public final class CapturedDatabase implements AutoCloseable, StreamedDatabase {
    private static final Logger log = LoggerFactory.getLogger(CapturedDatabase.class);

    /** Litestream's hard limit: a WAL this many pages large is truncated regardless of config. */
    static final long TRUNCATE_PAGE_N = 500_000;
    private static final int BUSY_TIMEOUT_MS = 1000;
    private static final int COPY_CHUNK = 1 << 20;
    private static final ThreadLocal<byte[]> COPY_BUFFERS = new ThreadLocal<>();
    /** Default for finished shadow WALs kept for followers that reconnect after a while. */
    public static final long DEFAULT_STREAM_RETENTION_BYTES = 64L << 20;
    /** The public position file is replaced at most this often; the capture loop's next poll writes the last one. */
    static final long POSITION_FILE_INTERVAL_NANOS = 1_000_000;
    private static final String SEQ_UPSERT =
            "INSERT INTO _litestream_seq (id, seq) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET seq = seq + 1";

    private final DbConfig config;
    private final Path dbPath;
    private final Path walPath;
    private final ShadowWalStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger snapshotsRunning = new AtomicInteger();
    private final CaptureCounters counters = new CaptureCounters();
    /** Where each outside reader (a follower stream) still reads: (generation, lowest index); locked for deletions. */
    private final Map<Object, Pos> shadowReaders = new ConcurrentHashMap<>();

    private Connection conn;
    private Connection readConn;
    private Connection lockConn;
    private FileChannel dbChannel;
    private FileChannel walChannel;
    private Object dbFileKey;
    private int pageSize;

    private String generation;
    private long index;
    private WalHeader shadowHeader;
    private FileChannel shadowChannel;
    private long shadowSize;
    private WalChecksum shadowChecksum;
    private boolean pinned;
    private volatile long streamRetentionBytes = DEFAULT_STREAM_RETENTION_BYTES;
    private volatile Pos position;
    /** The public {@code DB_PATH-litestream/position} (interface.md), rewritten at each captured position. */
    private final PositionFile positionFile;
    /** The last position file write failed (said once, until one succeeds again). */
    private boolean positionFileFailing;
    /** When the position file was last written, and a newer position waiting for {@link #flushPositionFile()}. */
    private long positionFileNanos;
    private volatile Pos positionFilePending;
    private volatile long polledWalSize = -1;
    /** The WAL header and the frame header at the captured end, as {@link #walGrew()} last saw them. */
    private byte[] polledWalMark = new byte[WalHeader.SIZE + WalFrameHeader.SIZE];
    private long lastCheckpointMillis = System.currentTimeMillis();

    private CapturedDatabase(DbConfig config) {
        this.config = config;
        this.dbPath = config.path();
        this.walPath = dbPath.resolveSibling(dbPath.getFileName() + "-wal");
        this.store = new ShadowWalStore(config.effectiveMetaPath());
        this.positionFile = PositionFile.of(dbPath);
    }

    /** Opens the database (which must exist), converts it to WAL mode and starts capturing. */
    public static CapturedDatabase open(DbConfig config) throws IOException {
        CapturedDatabase db = new CapturedDatabase(config);
        try {
            db.start();
            return db;
        } catch (IOException | RuntimeException e) {
            db.closeQuietly();
            throw e;
        }
    }

    /** Sync, checkpoint and WAL-byte counters for {@code /metrics}. */
    public CaptureCounters counters() {
        return counters;
    }

    /** Size of the database file (0 if it cannot be read right now). */
    public long dbFileSize() {
        return sizeOrZero(dbPath);
    }

    /** Size of the real WAL file (0 while it does not exist). */
    public long walFileSize() {
        return sizeOrZero(walPath);
    }

    private static long sizeOrZero(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    public Path path() {
        return dbPath;
    }

    /** The application's WAL file, {@code DB_PATH-wal}. */
    public Path walPath() {
        return walPath;
    }

    public DbConfig config() {
        return config;
    }

    public int pageSize() {
        return pageSize;
    }

    /** The end of the last captured transaction. */
    public Pos position() {
        return position;
    }

    /**
     * How many bytes of finished shadow WALs to keep beyond what the archive needs, for followers that reconnect
     * after a disconnect (0: only what the archive and connected followers need).
     */
    public void streamRetentionBytes(long bytes) {
        this.streamRetentionBytes = bytes;
    }

    /** Called after each change of {@link #position()}; must be cheap (it runs on the capture thread). */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    private void start() throws IOException {
        if (!Files.isRegularFile(dbPath)) {
            throw new NoSuchFileException(dbPath.toString(), null, "database file does not exist");
        }
        try {
            conn = connect();
            String mode = queryString(conn, "PRAGMA journal_mode = wal");
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new IOException(dbPath + ": cannot switch to WAL mode (journal_mode is " + mode + ")");
            }
            exec(conn, "CREATE TABLE IF NOT EXISTS _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)");
            exec(conn, "CREATE TABLE IF NOT EXISTS _litestream_lock (id INTEGER)");
            pageSize = Integer.parseInt(queryString(conn, "PRAGMA page_size"));
            readConn = connect();
            lockConn = connect();
            exec(lockConn, "PRAGMA busy_timeout = 0");
        } catch (SQLException e) {
            throw new IOException(dbPath + ": " + e.getMessage(), e);
        }
        dbChannel = FileChannel.open(dbPath, StandardOpenOption.READ);
        dbFileKey = fileKey(dbPath);
        if (!Files.exists(walPath) || Files.size(walPath) < WalHeader.SIZE) {
            writeSeq(conn);
        }
        walChannel = FileChannel.open(walPath, StandardOpenOption.READ);
        Files.createDirectories(store.dir());
        lock.lock();
        try {
            withWriteLock(() -> {
                String why = resume();
                if (why != null) {
                    newGeneration(why);
                } else {
                    copyFrames();
                }
                pin();
            });
        } finally {
            lock.unlock();
        }
        log.info("{}: capturing, position {}", dbPath, position.toLitestreamString());
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbPath);
        exec(c, "PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
        exec(c, "PRAGMA wal_autocheckpoint = 0");
        // Our connections barely read pages (checkpoints copy from the WAL). With any page cache at all SQLite
        // allocates 20 pages up front on each connection; none keeps three connections per database at ~45 KiB
        // instead of ~150 KiB (1,000 databases: 230 MiB less resident).
        exec(c, "PRAGMA cache_size = 0");
        return c;
    }

    /**
     * Cheap check for new WAL bytes (one stat, two small reads); the capture loop calls this every few
     * milliseconds, always from the same thread, and {@link #sync()} when it returns true.
     */
    public boolean walGrew() {
        try {
            long size = Files.size(walPath);
            boolean grew = size != polledWalSize;
            polledWalSize = size;
            return walRewritten(size) || grew;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * After a checkpoint restarted the WAL, SQLite writes it again from the start without growing the file, so
     * the size alone misses those commits until the monitor interval: the WAL header, or the frame header at the
     * captured end, changes instead.
     */
    private boolean walRewritten(long walSize) throws IOException {
        byte[] now = new byte[polledWalMark.length];
        long end = position.offset();
        if (walSize >= WalHeader.SIZE) {
            readFully(walChannel, now, WalHeader.SIZE, 0);
        }
        if (end >= WalHeader.SIZE && walSize >= end + WalFrameHeader.SIZE) {
            byte[] frame = new byte[WalFrameHeader.SIZE];
            readFully(walChannel, frame, frame.length, end);
            System.arraycopy(frame, 0, now, WalHeader.SIZE, frame.length);
        }
        if (Arrays.equals(now, polledWalMark)) {
            return false;
        }
        polledWalMark = now;
        return true;
    }

    /** Copies newly committed transactions into the shadow WAL, then checkpoints if a threshold is reached. */
    public void sync() throws IOException {
        long started = System.nanoTime();
        boolean failed = true;
        lock.lock();
        try {
            if (replaced()) {
                throw new DatabaseReplacedException(dbPath + ": database file was replaced or removed by another process");
            }
            long origWalSize = walChannel.size();
            captureNew();
            CheckpointMode mode = checkpointDue(origWalSize);
            if (mode != null) {
                checkpointLocked(mode);
            }
            failed = false;
        } finally {
            lock.unlock();
            counters.sync(System.nanoTime() - started, failed);
        }
    }

    /**
     * Captures every transaction committed so far and returns the position after them. {@code GET /pos} answers
     * this rather than {@link #position()}, which lags the capture loop's poll (and, when SQLite restarts the WAL
     * in a file that does not grow, its monitor interval): read-your-writes needs a position that includes the
     * caller's earlier commits (interface.md).
     */
    public Pos capturePosition() throws IOException {
        lock.lock();
        try {
            captureNew();
            return position;
        } finally {
            lock.unlock();
        }
    }

    /** Forces a checkpoint in the given mode (the validation and test paths use this). */
    public void checkpoint(CheckpointMode mode) throws IOException {
        lock.lock();
        try {
            captureNew();
            checkpointLocked(mode);
        } finally {
            lock.unlock();
        }
    }

    private CheckpointMode checkpointDue(long origWalSize) throws IOException {
        if (origWalSize >= walSize(TRUNCATE_PAGE_N)) {
            return CheckpointMode.TRUNCATE;
        }
        if (shadowSize >= walSize(config.maxCheckpointPageCount())) {
            return CheckpointMode.RESTART;
        }
        if (shadowSize >= walSize(config.minCheckpointPageCount())) {
            return CheckpointMode.PASSIVE;
        }
        Duration every = config.checkpointInterval();
        if (every != null && !every.isZero() && shadowSize > walSize(1)
                && System.currentTimeMillis() - lastCheckpointMillis >= every.toMillis()) {
            return CheckpointMode.PASSIVE;
        }
        return null;
    }

    private long walSize(long frames) {
        return WalHeader.SIZE + frames * (long) (24 + pageSize);
    }

    /**
     * Writes a position the position file was held back from; the capture loop calls this at every poll. It never
     * waits for the capture lock (a checkpoint may hold it for a second): a busy database is written at a later poll.
     */
    public void flushPositionFile() {
        if (positionFilePending == null || !lock.tryLock()) {
            return;
        }
        try {
            Pos p = positionFilePending;
            if (p != null) {
                replacePositionFile(p);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a new generation now, for a replica that holds more of the current one than the shadow WAL does (its
     * tail lost by a power failure): continuing would give other bytes the positions the replica already has.
     */
    public void startNewGeneration(String reason) throws IOException {
        lock.lock();
        try {
            if (!newGenerationUnderWriteLock(reason)) {
                throw new IOException(dbPath + ": cannot start a new generation (" + reason
                        + ") while the database stays busy; will retry");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Copies what is new, or starts a new generation (under the write lock) if continuity was lost. */
    private void captureNew() throws IOException {
        String lost = follow();
        if (lost != null && !newGenerationUnderWriteLock(lost)) {
            throw new IOException(dbPath + ": continuity lost (" + lost + ") and the database stayed busy; will retry");
        }
    }

    /** Takes SQLite's write lock and starts a new generation under it; false if the database stayed busy. */
    private boolean newGenerationUnderWriteLock(String reason) throws IOException {
        return withWriteLock(() -> {
            unpin();
            newGeneration(reason);
            pin();
        });
    }

    /**
     * Follows the real WAL: same life → copy new frames; exactly one restart → next index. Returns why
     * continuity is lost, or null.
     */
    private String follow() throws IOException {
        WalHeader real = readRealHeader();
        if (real == null) {
            return null; // truncated to zero by a TRUNCATE checkpoint; the next write brings a new header
        }
        if (real.sameBytes(shadowHeader)) {
            if (walChannel.size() < shadowSize) {
                return "wal truncated by another process";
            }
            copyFrames();
            return null;
        }
        if (real.isRestartOf(shadowHeader)) {
            startShadow(index + 1, real);
            copyFrames();
            publish();
            return null;
        }
        return "wal header changed by another process";
    }

    /** Must run under the write lock: the WAL cannot change while the new generation's shadow is built. */
    private void newGeneration(String reason) throws IOException {
        WalHeader real = readRealHeader();
        if (real == null) {
            writeSeqUnderLock();
            real = readRealHeader();
            if (real == null) {
                throw new IOException(walPath + ": SQLite did not write a WAL header");
            }
        }
        String gen = Generation.random();
        log.info("{}: sync: new generation {} reason=\"{}\"", dbPath, gen, reason);
        generation = gen;
        startShadow(0, real);
        copyFrames();
        store.writeGeneration(gen);
        store.deleteOtherGenerations(gen);
        publish();
    }

    /** Continues the generation recorded in the meta directory, or says why it cannot. */
    private String resume() throws IOException {
        String gen = store.readGeneration();
        if (gen == null) {
            return "no generation exists";
        }
        List<Long> indexes = store.indexes(gen);
        if (indexes.isEmpty()) {
            return "no shadow wal";
        }
        long idx = indexes.get(indexes.size() - 1);
        Path shadow = store.shadowPath(gen, idx);
        FileChannel ch = FileChannel.open(shadow, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (ch.size() < WalHeader.SIZE) {
                ch.close();
                return "short shadow wal";
            }
            byte[] hb = new byte[WalHeader.SIZE];
            readFully(ch, hb, hb.length, 0);
            WalHeader header;
            try {
                header = WalHeader.parse(hb);
            } catch (WalFormatException e) {
                ch.close();
                return "shadow wal header: " + e.getMessage();
            }
            FrameScan scan = scanFrames(ch, header, WalHeader.SIZE, header.checksum(), (buf, len, at) -> { });
            long end = scan.committedEnd();
            if (ch.size() > end) {
                ch.truncate(end);
            }
            WalHeader real = readRealHeader();
            if (real == null || !real.sameBytes(header)) {
                ch.close();
                return "wal header mismatch";
            }
            if (walChannel.size() < end) {
                ch.close();
                return "wal truncated by another process";
            }
            if (end > WalHeader.SIZE && !lastFrameMatches(ch, header, end)) {
                ch.close();
                return "wal overwritten by another process";
            }
            generation = gen;
            index = idx;
            shadowHeader = header;
            shadowChannel = ch;
            shadowSize = end;
            shadowChecksum = scan.committedChecksum();
            publish();
            return null;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** Where the valid frames of a WAL file end, and where the last whole transaction among them ends. */
    private record FrameScan(long committedEnd, WalChecksum committedChecksum, long validEnd) {
    }

    /** Receives runs of valid frame bytes found by {@link #scanFrames}, at their offset in the file. */
    private interface ValidFrames {
        void accept(byte[] buf, int len, long offset) throws IOException;
    }

    /**
     * Walks the frames of {@code src} from {@code from} (a frame boundary whose chain value is {@code seed}) as
     * SQLite's recovery would, handing every run of valid frames to {@code sink}.
     */
    private FrameScan scanFrames(FileChannel src, WalHeader header, long from, WalChecksum seed, ValidFrames sink)
            throws IOException {
        long size = src.size();
        int frame = header.frameSize();
        WalFrameScanner scanner = new WalFrameScanner(header);
        byte[] buf = copyBuffer(frame);
        long pos = from;
        long committedEnd = from;
        WalChecksum committed = seed;
        while (pos + frame <= size) {
            int n = (int) Math.min(buf.length, (size - pos) / frame * frame);
            readFully(src, buf, n, pos);
            WalFrameScanner.Result r = scanner.scan(buf, 0, n, seed);
            if (r.validBytes() > 0) {
                sink.accept(buf, r.validBytes(), pos);
            }
            if (r.committedBytes() > 0) {
                committedEnd = pos + r.committedBytes();
                committed = r.checksum();
            }
            pos += r.validBytes();
            seed = r.validChecksum();
            if (r.stopReason() != null || r.validBytes() == 0) {
                break;
            }
        }
        return new FrameScan(committedEnd, committed, pos);
    }

    private boolean lastFrameMatches(FileChannel shadow, WalHeader header, long end) throws IOException {
        int frame = header.frameSize();
        byte[] a = new byte[frame];
        byte[] b = new byte[frame];
        readFully(shadow, a, frame, end - frame);
        if (walChannel.size() < end) {
            return false;
        }
        readFully(walChannel, b, frame, end - frame);
        return Arrays.equals(a, b);
    }

    private void startShadow(long newIndex, WalHeader header) throws IOException {
        if (shadowChannel != null) {
            shadowChannel.close();
        }
        Path p = store.shadowPath(generation, newIndex);
        Files.createDirectories(p.getParent());
        shadowChannel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        shadowChannel.write(ByteBuffer.wrap(header.toBytes()), 0);
        shadowChannel.force(true);
        index = newIndex;
        shadowHeader = header;
        shadowSize = WalHeader.SIZE;
        shadowChecksum = header.checksum();
    }

    /**
     * Appends the real WAL's valid frames after the shadow's end, then cuts the shadow back to the last commit:
     * only whole transactions are ever published, exactly what SQLite's own recovery would keep.
     */
    private void copyFrames() throws IOException {
        if (walChannel.size() < shadowSize + shadowHeader.frameSize()) {
            return;
        }
        FrameScan scan = scanFrames(walChannel, shadowHeader, shadowSize, shadowChecksum,
                (buf, len, at) -> writeFully(shadowChannel, buf, len, at));
        if (scan.validEnd() > scan.committedEnd()) {
            shadowChannel.truncate(scan.committedEnd());
        }
        if (scan.committedEnd() > shadowSize) {
            shadowChannel.force(false);
            counters.walBytes(scan.committedEnd() - shadowSize);
            shadowSize = scan.committedEnd();
            shadowChecksum = scan.committedChecksum();
            publish();
        }
    }

    /**
     * Reused across syncs (a commit-per-millisecond workload would otherwise allocate a megabyte each time) and
     * shared by every database synced on the same thread, so a daemon with many databases does not hold one each.
     */
    private static byte[] copyBuffer(int frameSize) {
        int size = Math.max(frameSize, COPY_CHUNK / frameSize * frameSize);
        byte[] buf = COPY_BUFFERS.get();
        if (buf == null || buf.length != size) {
            buf = new byte[size];
            COPY_BUFFERS.set(buf);
        }
        return buf;
    }

    private void checkpointLocked(CheckpointMode mode) throws IOException {
        long started = System.nanoTime();
        boolean failed = true;
        try {
            checkpointOnce(mode);
            failed = false;
        } finally {
            counters.checkpoint(mode, System.nanoTime() - started, failed);
        }
    }

    /** One checkpoint attempt; skipped (not an error) while a snapshot runs or the database is busy. */
    private void checkpointOnce(CheckpointMode mode) throws IOException {
        if (snapshotsRunning.get() > 0) {
            log.debug("{}: checkpoint skipped while a snapshot is being taken", dbPath);
            return;
        }
        boolean[] complete = new boolean[1];
        long started = System.nanoTime();
        boolean locked = withWriteLock(() -> {
            String lost = follow();
            if (lost != null) {
                unpin();
                newGeneration(lost);
                pin();
                return;
            }
            unpin();
            try {
                int[] r = walCheckpointPassive();
                long deadline = System.nanoTime() + BUSY_TIMEOUT_MS * 1_000_000L;
                while (mode != CheckpointMode.PASSIVE && r[1] != r[2] && System.nanoTime() < deadline) {
                    sleep(5);
                    r = walCheckpointPassive();
                }
                complete[0] = r[0] == 0 && r[1] == r[2];
                log.debug("{}: checkpoint mode={} result={},{},{}", dbPath, mode, r[0], r[1], r[2]);
            } finally {
                pin();
            }
        });
        if (!locked) {
            log.debug("{}: checkpoint skipped: database is busy", dbPath);
            return;
        }
        lastCheckpointMillis = System.currentTimeMillis();
        if (complete[0]) {
            restartWal(mode == CheckpointMode.TRUNCATE);
        }
        captureNew();
        log.debug("{}: checkpoint {} took {} ms", dbPath, mode, (System.nanoTime() - started) / 1_000_000);
    }

    /** A write right after a complete checkpoint makes SQLite restart the WAL from its start. */
    private void restartWal(boolean shrink) throws IOException {
        try {
            if (shrink) {
                exec(conn, "PRAGMA journal_size_limit = 0");
            }
            try {
                writeSeq(conn);
            } finally {
                if (shrink) {
                    exec(conn, "PRAGMA journal_size_limit = -1");
                }
            }
        } catch (SQLException e) {
            throw new IOException(dbPath + ": " + e.getMessage(), e);
        }
    }

    private int[] walCheckpointPassive() throws IOException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
            return new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)};
        } catch (SQLException e) {
            throw new IOException(dbPath + ": checkpoint failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes Litestream's snapshot payload, a whole database file, to {@code out}: the database as of the last
     * captured commit ({@link DatabaseImage}), and returns the position whose index it belongs to (offset 0): a
     * restore may replay that index's WAL from its start on top of it.
     */
    public Pos snapshot(OutputStream out) throws IOException {
        snapshotsRunning.incrementAndGet();
        try {
            Pos at;
            WalHeader header;
            lock.lock();
            try {
                at = position;
                header = shadowHeader;
            } finally {
                lock.unlock();
            }
            // Our checkpoints wait while snapshotsRunning > 0, and the pin keeps SQLite from restarting the WAL over
            // frames of this index, so the shadow file and the database pages read below stay those of `at`.
            try (FileChannel shadow = FileChannel.open(store.shadowPath(at.generation(), at.index()), StandardOpenOption.READ)) {
                DatabaseImage.write(dbChannel, shadow, header.pageSize(), at.offset(), out);
            }
            return new Pos(at.generation(), at.index(), 0);
        } finally {
            snapshotsRunning.decrementAndGet();
        }
    }

    /**
     * The committed length of a shadow WAL, or -1 if it no longer exists locally (another generation, or
     * removed as no longer needed).
     */
    public long shadowLength(String gen, long idx) throws IOException {
        Pos p = position;
        if (p.generation().equals(gen) && p.index() == idx) {
            return p.offset();
        }
        if (!p.generation().equals(gen) || idx > p.index()) {
            return -1;
        }
        try {
            return Files.size(store.shadowPath(gen, idx));
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /** Reads {@code len} bytes of a shadow WAL at {@code offset}; the caller bounds it by {@link #shadowLength}. */
    public byte[] readShadow(String gen, long idx, long offset, int len) throws IOException {
        try (FileChannel ch = FileChannel.open(store.shadowPath(gen, idx), StandardOpenOption.READ)) {
            byte[] b = new byte[len];
            readFully(ch, b, len, offset);
            return b;
        }
    }

    /**
     * Drops local shadow WALs below {@code idx} of the current generation (the archive no longer needs them),
     * keeping those an outside reader still holds with {@link #holdShadowFrom}, and the newest finished ones up to
     * {@link #streamRetentionBytes(long)} so a follower that was disconnected for a while resumes from its position
     * instead of needing a snapshot.
     */
    public void retainShadowFrom(long idx) throws IOException {
        synchronized (shadowReaders) {
            Pos p = position;
            long keep = Math.min(idx, p.index());
            for (Pos held : shadowReaders.values()) {
                if (held.generation().equals(p.generation())) {
                    keep = Math.min(keep, held.index());
                }
            }
            keep = Math.min(keep, oldestWithinStreamRetention(p));
            store.deleteBefore(p.generation(), keep);
        }
    }

    /** The oldest index such that it and every later finished index together stay within the stream retention. */
    private long oldestWithinStreamRetention(Pos p) throws IOException {
        long bytes = 0;
        long oldest = p.index();
        List<Long> indexes = store.indexes(p.generation());
        for (int i = indexes.size() - 1; i >= 0; i--) {
            long idx = indexes.get(i);
            if (idx >= p.index()) {
                continue;
            }
            bytes += Files.size(store.shadowPath(p.generation(), idx));
            if (bytes > streamRetentionBytes) {
                break;
            }
            oldest = idx;
        }
        return oldest;
    }

    /** Bytes of shadow WAL kept on disk for the current generation: what replicas and followers still need. */
    public long backlogBytes() throws IOException {
        long total = 0;
        for (long size : store.sizes(position.generation()).values()) {
            total += size;
        }
        return total;
    }

    /**
     * Deletes the oldest shadow WALs until at most {@code budget} bytes remain, never the current index nor one a
     * follower is reading. Replicas that had not uploaded them find them gone and resume with a snapshot in the
     * same generation. Returns the indexes deleted.
     */
    public List<Long> dropBacklogBeyond(long budget) throws IOException {
        synchronized (shadowReaders) {
            Pos p = position;
            long keepFrom = p.index();
            for (Pos held : shadowReaders.values()) {
                if (held.generation().equals(p.generation())) {
                    keepFrom = Math.min(keepFrom, held.index());
                }
            }
            SortedMap<Long, Long> sizes = store.sizes(p.generation());
            long total = sizes.values().stream().mapToLong(Long::longValue).sum();
            List<Long> dropped = new ArrayList<>();
            for (var e : sizes.entrySet()) {
                if (total <= budget || e.getKey() >= keepFrom) {
                    break;
                }
                Files.deleteIfExists(store.shadowPath(p.generation(), e.getKey()));
                total -= e.getValue();
                dropped.add(e.getKey());
            }
            return dropped;
        }
    }

    /**
     * Keeps shadow WALs of {@code gen} from {@code idx} on for {@code reader} until it moves on or calls
     * {@link #releaseShadow}. A file already deleted stays deleted: check {@link #shadowLength} after holding it.
     */
    public void holdShadowFrom(Object reader, String gen, long idx) {
        synchronized (shadowReaders) {
            shadowReaders.put(reader, new Pos(gen, idx, 0));
        }
    }

    public void releaseShadow(Object reader) {
        shadowReaders.remove(reader);
    }

    private void publish() {
        Pos p = new Pos(generation, index, shadowSize);
        if (!p.equals(position)) {
            position = p;
            for (Runnable l : listeners) {
                l.run();
            }
            writePositionFile(p);
        }
    }

    /**
     * For read-your-writes on the primary's machine: after the followers were woken, so they never wait for it. At
     * most one write per {@link #POSITION_FILE_INTERVAL_NANOS}: an application committing tens of thousands of times
     * a second would otherwise pay a file replacement per commit; a position held back is written by
     * {@link #flushPositionFile()}. A failure (a full disk) costs only this file, never the capture.
     */
    private void writePositionFile(Pos p) {
        if (System.nanoTime() - positionFileNanos < POSITION_FILE_INTERVAL_NANOS) {
            positionFilePending = p;
        } else {
            replacePositionFile(p);
        }
    }

    private void replacePositionFile(Pos p) {
        positionFilePending = null;
        positionFileNanos = System.nanoTime();
        try {
            positionFile.publish(p);
            positionFileFailing = false;
        } catch (IOException e) {
            if (!positionFileFailing) {
                log.warn("{}: cannot write {}: {}", dbPath, positionFile.path(), e.getMessage());
                positionFileFailing = true;
            }
        }
    }

    private WalHeader readRealHeader() throws IOException {
        if (walChannel.size() < WalHeader.SIZE) {
            return null;
        }
        byte[] b = new byte[WalHeader.SIZE];
        readFully(walChannel, b, b.length, 0);
        try {
            return WalHeader.parse(b);
        } catch (WalFormatException e) {
            // A header SQLite is rewriting at this instant, or garbage: neither continues our WAL life.
            return WalHeader.create(false, pageSize, -1, 0, 0);
        }
    }

    private boolean replaced() throws IOException {
        try {
            return !Objects.equals(fileKey(dbPath), dbFileKey);
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    private static Object fileKey(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    }

    private interface LockedWork {
        void run() throws IOException;
    }

    /** Runs {@code work} holding SQLite's write lock; false if the lock stayed busy for the whole busy timeout. */
    private boolean withWriteLock(LockedWork work) throws IOException {
        if (!beginImmediate()) {
            return false;
        }
        try {
            work.run();
            return true;
        } finally {
            try {
                exec(lockConn, "ROLLBACK");
            } catch (SQLException e) {
                log.warn("{}: releasing the write lock failed: {}", dbPath, e.getMessage());
            }
        }
    }

    /**
     * Takes the write lock on {@code lockConn}. SQLite's own busy handler sleeps up to 100 ms between attempts, so
     * against an application that commits back to back it would almost never find the lock free: we poll it every
     * 50 µs instead, for up to the busy timeout. False if it stayed busy.
     */
    private boolean beginImmediate() throws IOException {
        long deadline = System.nanoTime() + BUSY_TIMEOUT_MS * 1_000_000L;
        while (true) {
            try {
                exec(lockConn, "BEGIN IMMEDIATE");
                return true;
            } catch (SQLException e) {
                if (e.getMessage() == null || !e.getMessage().contains("SQLITE_BUSY")) {
                    throw new IOException(dbPath + ": cannot take the write lock: " + e.getMessage(), e);
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                LockSupport.parkNanos(50_000);
            }
        }
    }

    /** A committed write of our own on the write-lock connection, then the lock is taken again. */
    private void writeSeqUnderLock() throws IOException {
        try {
            exec(lockConn, SEQ_UPSERT);
            exec(lockConn, "COMMIT");
        } catch (SQLException e) {
            throw new IOException(dbPath + ": " + e.getMessage(), e);
        }
        if (!beginImmediate()) {
            throw new IOException(dbPath + ": the database stayed busy; will retry");
        }
    }

    private void writeSeq(Connection c) throws IOException {
        try {
            exec(c, SEQ_UPSERT);
        } catch (SQLException e) {
            throw new IOException(dbPath + ": cannot write to the database: " + e.getMessage(), e);
        }
    }

    private void pin() throws IOException {
        if (pinned) {
            return;
        }
        try {
            exec(readConn, "BEGIN");
            queryString(readConn, "SELECT COUNT(1) FROM _litestream_seq");
            pinned = true;
        } catch (SQLException e) {
            throw new IOException(dbPath + ": cannot hold a read transaction: " + e.getMessage(), e);
        }
    }

    private void unpin() throws IOException {
        if (!pinned) {
            return;
        }
        try {
            exec(readConn, "ROLLBACK");
            pinned = false;
        } catch (SQLException e) {
            throw new IOException(dbPath + ": " + e.getMessage(), e);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void readFully(FileChannel ch, byte[] b, int len, long pos) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, len);
        while (bb.hasRemaining()) {
            int n = ch.read(bb, pos + bb.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at offset " + (pos + bb.position()));
            }
        }
    }

    private static void writeFully(FileChannel ch, byte[] b, int len, long pos) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, len);
        while (bb.hasRemaining()) {
            ch.write(bb, pos + bb.position());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops capturing after the database file was replaced: our SQLite connections still point at the old file,
     * and closing the last of them would make SQLite delete the WAL at the path, which is now the new database's.
     * They are left open on purpose (a few file descriptors) until the process exits.
     */
    public void abandon() {
        lock.lock();
        try {
            for (AutoCloseable c : new AutoCloseable[] {shadowChannel, walChannel}) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.debug("close: {}", e.getMessage());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops capturing. The SQLite connections are closed too, which lets SQLite checkpoint and delete the WAL
     * if no other process has the database open; the next start then begins a new generation.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    private void closeQuietly() {
        for (AutoCloseable c : new AutoCloseable[] {shadowChannel, walChannel, readConn, lockConn, conn, dbChannel}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.debug("close: {}", e.getMessage());
                }
            }
        }
    }
}

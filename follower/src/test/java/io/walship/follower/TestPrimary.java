package io.walship.follower;

import io.walship.protocol.Bytes;
import io.walship.protocol.Pos;
import io.walship.protocol.WalFrameHeader;
import io.walship.protocol.WalFrameScanner;
import io.walship.protocol.WalHeader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A real SQLite "primary" for tests: WAL mode, no auto-checkpoint, so its -wal holds every transaction of the
 * current index. The database file is read through one long-lived channel (I7 holds in the test JVM too).
 */
final class TestPrimary implements AutoCloseable {
    static final String GENERATION = "a1b2c3d4e5f60718";

    final Path db;
    final Connection conn;
    private final FileChannel dbChannel;
    private final String generation;
    private long index = 1;
    private int appliedUpTo;

    TestPrimary(Path dir, int pageSize) throws SQLException, IOException {
        this(dir, pageSize, GENERATION);
    }

    TestPrimary(Path dir, int pageSize, String generation) throws SQLException, IOException {
        this.generation = generation;
        Files.createDirectories(dir);
        db = dir.resolve("primary.db");
        conn = DriverManager.getConnection("jdbc:sqlite:" + db);
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA page_size=" + pageSize);
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA wal_autocheckpoint=0");
        }
        dbChannel = FileChannel.open(db, StandardOpenOption.READ);
    }

    /** Runs the statements as one transaction. */
    void tx(String... sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("BEGIN");
            for (String s : sql) {
                st.execute(s);
            }
            st.execute("COMMIT");
        }
    }

    /** Runs one statement outside any explicit transaction (VACUUM, DDL in autocommit). */
    void run(String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }

    /** The database file as it is now: a snapshot of offset 0 of the current index while nothing is checkpointed. */
    byte[] snapshot() throws IOException {
        byte[] b = new byte[(int) dbChannel.size()];
        ByteBuffer buf = ByteBuffer.wrap(b);
        long pos = 0;
        while (buf.hasRemaining()) {
            pos += dbChannel.read(buf, pos);
        }
        return b;
    }

    InputStream snapshotStream() throws IOException {
        return new ByteArrayInputStream(snapshot());
    }

    Pos snapshotPos() {
        return pos(0);
    }

    Pos pos(long offset) {
        return new Pos(generation, index, offset);
    }

    Pos at(long walIndex, long offset) {
        return new Pos(generation, walIndex, offset);
    }

    long index() {
        return index;
    }

    /** The current index's WAL bytes, up to the last commit. */
    byte[] wal() throws IOException {
        Path walPath = db.resolveSibling(db.getFileName() + "-wal");
        byte[] all = Files.readAllBytes(walPath);
        if (all.length < WalHeader.SIZE) {
            return new byte[0];
        }
        try {
            WalHeader h = WalHeader.parse(all);
            WalFrameScanner.Result r = new WalFrameScanner(h).scan(all, WalHeader.SIZE, all.length - WalHeader.SIZE, h.checksum());
            return Arrays.copyOf(all, WalHeader.SIZE + r.committedBytes());
        } catch (io.walship.protocol.WalFormatException e) {
            throw new IOException(e);
        }
    }

    /** Offsets just after each commit frame of {@code wal} (a WAL from offset 0). */
    static List<Long> commitOffsets(byte[] wal) throws IOException {
        List<Long> out = new ArrayList<>();
        if (wal.length < WalHeader.SIZE) {
            return out;
        }
        try {
            WalHeader h = WalHeader.parse(wal);
            for (int at = WalHeader.SIZE; at + h.frameSize() <= wal.length; at += h.frameSize()) {
                if (WalFrameHeader.parse(wal, at).isCommit()) {
                    out.add((long) at + h.frameSize());
                }
            }
        } catch (io.walship.protocol.WalFormatException e) {
            throw new IOException(e);
        }
        return out;
    }

    /** Feeds every commit not yet applied to {@code a}, {@code perBatch} commits per applyWal call. */
    int feed(FollowerApplier a, int perBatch) throws IOException {
        byte[] wal = wal();
        List<Long> commits = commitOffsets(wal);
        long from = appliedUpTo;
        int calls = 0;
        for (int i = 0; i < commits.size(); i++) {
            long c = commits.get(i);
            if (c <= from) {
                continue;
            }
            boolean last = i == commits.size() - 1;
            int inBatch = (int) commits.stream().filter(x -> x > appliedUpTo && x <= c).count();
            if (inBatch >= perBatch || last) {
                a.applyWal(pos(appliedUpTo), pos(c), Arrays.copyOfRange(wal, appliedUpTo, (int) c));
                appliedUpTo = (int) c;
                calls++;
            }
        }
        return calls;
    }

    /** Applies the header-only start of an index (no frames), as a stream would after a restart. */
    void markFed(long offset) {
        appliedUpTo = (int) offset;
    }

    /** Forgets WAL the follower is not meant to see (it will get a snapshot instead). */
    void discardUnfed() throws IOException {
        appliedUpTo = wal().length;
    }

    /** TRUNCATE checkpoint: the next write starts the next index. */
    void checkpointRestart() throws SQLException, IOException {
        int left = wal().length - appliedUpTo;
        if (left > 0) {
            throw new IllegalStateException("feed the follower before restarting the WAL: " + left + " bytes unapplied");
        }
        try (Statement st = conn.createStatement(); var rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            rs.next();
            if (rs.getInt(1) != 0) {
                throw new IllegalStateException("primary checkpoint busy");
            }
        }
        index++;
        appliedUpTo = 0;
    }

    static int pageSizeOf(byte[] db) {
        int raw = Bytes.getShortBE(db, 16);
        return raw == 1 ? 65536 : raw;
    }

    @Override
    public void close() throws Exception {
        conn.close();
        dbChannel.close();
    }
}

package io.walship.primary.restore;

import io.walship.primary.replica.FileReplicaClient;
import io.walship.protocol.Lz4FrameWriter;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small replica in Litestream's layout built in-process, without the Litestream binary: a real SQLite
 * database in WAL mode, snapshot 0 copied after a TRUNCATE checkpoint, then two WAL indexes whose segments are
 * the {@code -wal} bytes appended by each transaction (so every segment ends on a commit frame, as Litestream's do).
 */
final class SyntheticReplica {
    static final String GENERATION = "0123456789abcdef";

    /** Segment object name → decompressed bytes, in (index, offset) order. */
    final List<Segment> segments = new ArrayList<>();
    final Path replicaDir;
    final Map<String, String> expected;
    final Map<String, String> expectedAtIndex0;

    record Segment(long index, long offset, byte[] data) {
        String path() {
            return io.walship.protocol.ReplicaLayout.walSegmentPath(GENERATION, index, offset);
        }
    }

    private SyntheticReplica(Path replicaDir, Map<String, String> expected, Map<String, String> expectedAtIndex0) {
        this.replicaDir = replicaDir;
        this.expected = expected;
        this.expectedAtIndex0 = expectedAtIndex0;
    }

    static SyntheticReplica build(Path work, int pageSize) throws Exception {
        Path src = work.resolve("src.db");
        Path wal = work.resolve("src.db-wal");
        Path replicaDir = work.resolve("replica");
        List<Segment> segs = new ArrayList<>();
        byte[] snapshot;
        Map<String, String> atIndex0;
        Map<String, String> expected;
        Random rnd = new Random(pageSize);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src)) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA page_size=" + pageSize);
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA wal_autocheckpoint=0");
                st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB)");
                st.execute("CREATE TABLE u(k TEXT PRIMARY KEY, n INTEGER)");
                insert(c, 0, 20, rnd);
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            snapshot = Files.readAllBytes(src);
            long index = 0;
            long offset = 0;
            for (int txn = 0; txn < 3; txn++) {
                insert(c, 100 * (txn + 1), 30, rnd);
                offset = capture(wal, index, offset, segs);
            }
            atIndex0 = DbFingerprint.of(c, true);
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            index = 1;
            offset = 0;
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM t WHERE id % 3 = 0");
            }
            offset = capture(wal, index, offset, segs);
            insert(c, 1000, 40, rnd);
            capture(wal, index, offset, segs);
            expected = DbFingerprint.of(c, true);
        }
        SyntheticReplica r = new SyntheticReplica(replicaDir, expected, atIndex0);
        r.segments.addAll(segs);
        try (FileReplicaClient client = new FileReplicaClient(replicaDir)) {
            client.writeSnapshot(GENERATION, 0, out -> {
                try (OutputStream lz = Lz4FrameWriter.open(nonClosing(out))) {
                    lz.write(snapshot);
                }
            });
            for (Segment s : segs) {
                client.writeWalSegment(GENERATION, s.index, s.offset, Lz4FrameWriter.compress(s.data));
            }
        }
        return r;
    }

    private static void insert(Connection c, int base, int n, Random rnd) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement t = c.prepareStatement("INSERT INTO t(id, v, b) VALUES (?, ?, ?)");
             PreparedStatement u = c.prepareStatement("INSERT OR REPLACE INTO u(k, n) VALUES (?, ?)")) {
            for (int i = 0; i < n; i++) {
                byte[] blob = new byte[rnd.nextInt(3000)];
                rnd.nextBytes(blob);
                t.setInt(1, base + i);
                t.setString(2, "row " + (base + i) + " " + "x".repeat(rnd.nextInt(200)));
                t.setBytes(3, blob);
                t.executeUpdate();
                u.setString(1, "k" + (i % 7));
                u.setInt(2, base + i);
                u.executeUpdate();
            }
        }
        c.commit();
        c.setAutoCommit(true);
    }

    /** Records the bytes the last transaction appended to the WAL as one segment; returns the new end. */
    private static long capture(Path wal, long index, long offset, List<Segment> segs) throws Exception {
        byte[] all = Files.readAllBytes(wal);
        segs.add(new Segment(index, offset, Arrays.copyOfRange(all, (int) offset, all.length)));
        return all.length;
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws java.io.IOException {
                flush();
            }
        };
    }

    Path objectPath(String relative) {
        return replicaDir.resolve(relative);
    }

    Path snapshotPath() {
        return objectPath(io.walship.protocol.ReplicaLayout.snapshotPath(GENERATION, 0));
    }
}

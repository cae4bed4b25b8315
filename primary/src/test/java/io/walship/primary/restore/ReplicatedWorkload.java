package io.walship.primary.restore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * A database written by this process while the real {@code litestream replicate} archives it to a directory.
 * The writer keeps its connection open throughout: closing the last connection would checkpoint and delete the
 * WAL behind Litestream's back and start a new generation.
 */
final class ReplicatedWorkload implements AutoCloseable {
    final Path db;
    final Path replicaDir;
    final Path log;
    private final LitestreamPeer peer;
    private final Connection writer;
    private final Random rnd;
    private final int pageSize;
    private Process litestream;
    private int nextNote;

    ReplicatedWorkload(LitestreamPeer peer, Path dir, int pageSize) throws Exception {
        this.peer = peer;
        this.pageSize = pageSize;
        this.db = dir.resolve("source.db");
        this.replicaDir = dir.resolve("replica");
        this.log = dir.resolve("litestream.log");
        this.rnd = new Random(pageSize);
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(30_000);
        writer = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
        try (Statement st = writer.createStatement()) {
            st.execute("PRAGMA page_size=" + pageSize);
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT, body TEXT, score REAL)");
            st.execute("CREATE INDEX notes_title ON notes(title)");
            st.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, note INTEGER, data BLOB)");
            st.execute("CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER)");
        }
    }

    /** Starts Litestream and waits until it has written the first snapshot of a new generation. */
    void startReplication() throws Exception {
        Set<String> before = generationsWithSnapshot();
        litestream = peer.replicate(db, replicaDir, log);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            Set<String> now = generationsWithSnapshot();
            now.removeAll(before);
            if (!now.isEmpty()) {
                return;
            }
            if (!litestream.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("litestream wrote no snapshot; log:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    /** Gives Litestream a sync interval to catch up, then SIGTERM (it syncs once more before exiting). */
    void stopReplication() throws Exception {
        Thread.sleep(1500);
        LitestreamPeer.stop(litestream, log);
        litestream = null;
    }

    private Set<String> generationsWithSnapshot() throws Exception {
        Set<String> out = new HashSet<>();
        Path gens = replicaDir.resolve("generations");
        if (!Files.isDirectory(gens)) {
            return out;
        }
        try (Stream<Path> s = Files.list(gens)) {
            for (Path g : s.toList()) {
                Path snaps = g.resolve("snapshots");
                if (Files.isDirectory(snaps)) {
                    try (Stream<Path> f = Files.list(snaps)) {
                        if (f.anyMatch(p -> p.toString().endsWith(".snapshot.lz4"))) {
                            out.add(g.getFileName().toString());
                        }
                    }
                }
            }
        }
        return out;
    }

    /** {@code count} transactions of notes with an index, small blobs and counter updates, spread over syncs. */
    void smallTransactions(int count, int notesPerTxn, long pauseMillis) throws Exception {
        for (int t = 0; t < count; t++) {
            inTransaction(() -> {
                try (PreparedStatement n = writer.prepareStatement("INSERT INTO notes(id, title, body, score) VALUES (?, ?, ?, ?)");
                     PreparedStatement b = writer.prepareStatement("INSERT INTO blobs(note, data) VALUES (?, ?)");
                     PreparedStatement c = writer.prepareStatement(
                             "INSERT INTO counters(name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1")) {
                    for (int i = 0; i < notesPerTxn; i++) {
                        int id = ++nextNote;
                        n.setInt(1, id);
                        n.setString(2, "note " + rnd.nextInt(1_000_000));
                        n.setString(3, "body ".repeat(1 + rnd.nextInt(100)) + id);
                        n.setDouble(4, rnd.nextDouble());
                        n.executeUpdate();
                        if (i % 10 == 0) {
                            b.setInt(1, id);
                            b.setBytes(2, randomBytes(1 + rnd.nextInt(20_000)));
                            b.executeUpdate();
                        }
                        c.setString(1, "c" + (id % 13));
                        c.executeUpdate();
                    }
                }
            });
            Thread.sleep(pauseMillis);
        }
    }

    /** One transaction of about {@code pages} pages of blobs, half random, half compressible. */
    void bigTransaction(int pages) throws Exception {
        long bytes = (long) pages * pageSize;
        inTransaction(() -> {
            try (PreparedStatement b = writer.prepareStatement("INSERT INTO blobs(note, data) VALUES (?, ?)")) {
                long written = 0;
                int chunk = 1 << 20;
                for (int i = 0; written < bytes; i++) {
                    byte[] data = i % 2 == 0 ? randomBytes(chunk) : ("pattern " + i + " ").repeat(chunk / 16).getBytes();
                    b.setInt(1, -i);
                    b.setBytes(2, data);
                    b.executeUpdate();
                    written += data.length;
                }
            }
        });
    }

    void deletesAndUpdates() throws Exception {
        inTransaction(() -> {
            try (Statement st = writer.createStatement()) {
                st.execute("DELETE FROM notes WHERE id % 3 = 0");
                st.execute("DELETE FROM blobs WHERE id % 2 = 0");
                st.execute("UPDATE notes SET score = -score WHERE id % 5 = 0");
            }
        });
    }

    void vacuum() throws SQLException {
        try (Statement st = writer.createStatement()) {
            st.execute("VACUUM");
        }
    }

    /** While Litestream is stopped: restart the WAL under its feet, which forces a new generation on its next start. */
    void checkpointWithoutLitestream() throws SQLException {
        try (Statement st = writer.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    Map<String, String> fingerprint() throws SQLException {
        return DbFingerprint.of(writer, false);
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private void inTransaction(SqlWork work) throws SQLException {
        writer.setAutoCommit(false);
        try {
            work.run();
            writer.commit();
        } catch (SQLException | RuntimeException e) {
            writer.rollback();
            throw e;
        } finally {
            writer.setAutoCommit(true);
        }
    }

    @Override
    public void close() throws Exception {
        if (litestream != null) {
            LitestreamPeer.stop(litestream, log);
        }
        writer.close();
    }
}

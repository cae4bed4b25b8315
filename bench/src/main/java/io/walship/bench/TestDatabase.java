package io.walship.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * The databases the suite replicates: rows of {@link #PAYLOAD_BYTES} compressible bytes (about four to a 4 KiB
 * page) in table {@value #TABLE}, plus the application table {@link CommitLoop} writes to.
 */
final class TestDatabase {
    static final String TABLE = "data";
    static final int PAYLOAD_BYTES = 1000;
    /** Rows per transaction when loading and updating: about 1 MiB of WAL each. */
    private static final int BATCH = 256;
    private static final long BYTES_PER_ROW = 1024;
    private static final int PAGE_SIZE = 4096;

    private TestDatabase() {
    }

    /** A database of about {@code bytes} (at least one row), in WAL mode, everything checkpointed into the file. */
    static void create(Path db, long bytes) throws SQLException, IOException {
        Files.createDirectories(db.toAbsolutePath().getParent());
        long rows = Math.max(1, bytes / BYTES_PER_ROW);
        SplittableRandom random = new SplittableRandom(rows);
        byte[] payload = new byte[PAYLOAD_BYTES];
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA page_size = " + PAGE_SIZE);
                st.execute("PRAGMA journal_mode = wal");
                st.execute("PRAGMA synchronous = off");
                st.execute("CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, ver INTEGER NOT NULL, payload BLOB NOT NULL)");
                CommitLoop.createTable(st);
            }
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " (ver, payload) VALUES (1, ?)")) {
                for (long i = 1; i <= rows; i++) {
                    RowPayload.fill(payload, 0, payload.length, random);
                    insert.setBytes(1, payload);
                    insert.executeUpdate();
                    if (i % BATCH == 0 || i == rows) {
                        c.commit();
                    }
                }
            }
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
    }

    /**
     * Rewrites random rows (new payload, version + 1) in transactions of about 1 MiB until about {@code walBytes}
     * went into the WAL, as an application would; checkpoints are left to the replicator. Returns the transactions.
     */
    static long update(Path db, long walBytes, long seed) throws SQLException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] payload = new byte[PAYLOAD_BYTES];
        long transactions = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                st.execute("PRAGMA synchronous = normal");
            }
            long rows = maxId(c);
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement("UPDATE " + TABLE + " SET ver = ver + 1, payload = ? WHERE id = ?")) {
                // Rows are spread over the table, so each update puts a page of its own into the WAL.
                for (long written = 0; written < walBytes; written += (long) BATCH * PAGE_SIZE) {
                    for (int i = 0; i < BATCH; i++) {
                        RowPayload.fill(payload, 0, payload.length, random);
                        update.setBytes(1, payload);
                        update.setLong(2, 1 + random.nextLong(rows));
                        update.executeUpdate();
                    }
                    c.commit();
                    transactions++;
                }
            }
        }
        return transactions;
    }

    private static long maxId(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT max(id) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

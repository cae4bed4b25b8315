package io.walship.primary.restore;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.SQLiteOpenMode;

/**
 * Lets SQLite itself apply a WAL to the restored database (replica-format.md §8.3): open the database with the
 * WAL in place, checkpoint with TRUNCATE, close. The restore's connection is the only one on these files.
 */
final class WalApplier {
    /** Nobody else uses the temporary database, so waiting at all would mean something is wrong. */
    private static final int BUSY_TIMEOUT_MS = 5000;

    private WalApplier() {
    }

    /**
     * Loads SQLite's native library (the driver first extracts it from its jar) and the driver's configuration
     * classes, so that this overlaps the downloads instead of delaying the first checkpoint.
     */
    static void preload() {
        try {
            SQLiteJDBCLoader.initialize();
            new SQLiteConfig();
        } catch (Exception e) {
            // The first connection fails the same way, and reports it.
        }
    }

    /** Checkpoints {@code db}'s WAL (the file of {@code index}) into it; SQLite must not report busy. */
    static void checkpoint(Path db, String generation, long index) throws RestoreException {
        try (Connection c = open(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            int busy = rs.next() ? rs.getInt(1) : -1;
            if (busy != 0) {
                throw new RestoreException(String.format(Locale.ROOT,
                        "cannot apply WAL: generation=%s index=%08x: checkpoint did not complete (busy=%d)", generation, index, busy));
            }
        } catch (SQLException e) {
            throw new RestoreException(String.format(Locale.ROOT, "cannot apply WAL: generation=%s index=%08x: %s",
                    generation, index, e.getMessage()), e);
        }
    }

    /** Runs {@code PRAGMA integrity_check}; anything but {@code ok} fails with SQLite's first findings. */
    static void integrityCheck(Path db) throws RestoreException {
        List<String> problems = new ArrayList<>();
        try (Connection c = open(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA integrity_check(5)")) {
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new RestoreException("integrity check of the restored database failed: " + e.getMessage(), e);
        }
        if (!problems.equals(List.of("ok"))) {
            throw new RestoreException("restored database fails integrity_check: " + String.join("; ", problems));
        }
    }

    private static Connection open(Path db) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        // Never create: the snapshot must already be there, complete.
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        // A temporary file until RestoreFiles.publish syncs it: syncing after every checkpoint would only wait.
        config.setSynchronous(SQLiteConfig.SynchronousMode.OFF);
        return DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
    }
}

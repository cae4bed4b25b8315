package io.walship.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a restored copy of a {@link TestDatabase} must match: its row count and the sums of the row versions, which
 * change with every update the WAL workload makes (a restore that missed a WAL segment shows here).
 */
record Fingerprint(long rows, long versions, long weightedVersions, long appRows) {

    static Fingerprint of(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             Statement st = c.createStatement()) {
            long rows;
            long versions;
            long weighted;
            try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(ver), 0), coalesce(sum(id * ver), 0) FROM " + TestDatabase.TABLE)) {
                rs.next();
                rows = rs.getLong(1);
                versions = rs.getLong(2);
                weighted = rs.getLong(3);
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + CommitLoop.TABLE)) {
                rs.next();
                return new Fingerprint(rows, versions, weighted, rs.getLong(1));
            }
        }
    }

    /** SQLite's own check of every page (without the index cross-checks of integrity_check, for time). */
    static void quickCheck(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
            rs.next();
            String result = rs.getString(1);
            if (!"ok".equals(result)) {
                throw new SQLException(db + " fails quick_check: " + result);
            }
        }
    }
}

package io.walship.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/** Row-by-row equality of one table in two databases, plus the copy's integrity check. */
record DatabaseComparison(boolean equal, long rows, String integrity, String difference) {

    static DatabaseComparison compare(Path original, Path copy, String table) throws SQLException {
        String sql = "SELECT * FROM " + table + " ORDER BY rowid";
        try (Connection a = DriverManager.getConnection("jdbc:sqlite:" + original);
             Connection b = DriverManager.getConnection("jdbc:sqlite:" + copy);
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            String integrity;
            try (ResultSet rs = sb.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                integrity = rs.getString(1);
            }
            long rows = 0;
            try (ResultSet ra = sa.executeQuery(sql); ResultSet rb = sb.executeQuery(sql)) {
                int columns = ra.getMetaData().getColumnCount();
                while (true) {
                    boolean hasA = ra.next();
                    boolean hasB = rb.next();
                    if (!hasA || !hasB) {
                        String diff = hasA == hasB ? null : (hasA ? "restored copy is missing rows after row " : "restored copy has extra rows after row ") + rows;
                        return new DatabaseComparison(diff == null && "ok".equals(integrity), rows, integrity, diff);
                    }
                    rows++;
                    for (int c = 1; c <= columns; c++) {
                        if (!Arrays.equals(ra.getBytes(c), rb.getBytes(c))) {
                            return new DatabaseComparison(false, rows, integrity,
                                    "row " + rows + " column " + ra.getMetaData().getColumnName(c) + " differs");
                        }
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        if (equal) {
            return "OK (" + rows + " rows equal, integrity_check " + integrity + ")";
        }
        return "FAILED (" + (difference != null ? difference : "integrity_check: " + integrity) + ")";
    }
}

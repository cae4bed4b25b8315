package io.walship.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Compares two databases the way a user would judge a restore: same user schema, same rows of every user table
 * in the same order (Litestream's own {@code _litestream_*} tables and SQLite's internal ones excluded), and
 * {@code PRAGMA integrity_check} = ok. Failures name the first difference.
 */
final class DbCompare {
    private DbCompare() {
    }

    static void assertSameContent(Path expected, Path actual) throws SQLException {
        try (Connection e = SqliteFixture.open(expected); Connection a = SqliteFixture.open(actual)) {
            assertSameContent(e, a, expected + " vs " + actual);
        }
        assertIntegrityOk(actual);
    }

    /** Compares an open connection (the live application database) with a restored file. */
    static void assertSameContent(Connection expected, Path actual) throws SQLException {
        try (Connection a = SqliteFixture.open(actual)) {
            assertSameContent(expected, a, "source vs " + actual);
        }
        assertIntegrityOk(actual);
    }

    /** Makes one restored copy of the archive; each call gets a fresh output path. */
    @FunctionalInterface
    interface Restore {
        Path to(int attempt) throws Exception;
    }

    /**
     * Restores again and again until the copy equals {@code source} (the archive caught up), failing with the last
     * difference after {@code limit}; every intermediate copy must still pass the integrity check.
     */
    static void awaitRestoredEquals(Connection source, Duration limit, Restore restore) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        for (int attempt = 0; ; attempt++) {
            Path out = restore.to(attempt);
            try {
                assertSameContent(source, out);
                return;
            } catch (AssertionError notYet) {
                assertIntegrityOk(out);
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(1000);
            }
        }
    }

    /** Read-only: also safe on a live follower's database, where a read-write connection must not checkpoint. */
    static void assertIntegrityOk(Path db) throws SQLException {
        try (Connection c = SqliteFixture.openReadOnly(db)) {
            String r = SqliteFixture.queryString(c, "PRAGMA integrity_check");
            if (!"ok".equals(r)) {
                throw new AssertionError(db + ": integrity_check: " + r);
            }
        }
    }

    private static void assertSameContent(Connection e, Connection a, String what) throws SQLException {
        List<String> schemaE = schema(e);
        List<String> schemaA = schema(a);
        if (!schemaE.equals(schemaA)) {
            throw new AssertionError(what + ": schemas differ\nexpected: " + schemaE + "\nactual:   " + schemaA);
        }
        for (String table : tables(e)) {
            compareTable(e, a, table, what);
        }
    }

    private static List<String> schema(Connection c) throws SQLException {
        return strings(c, "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema"
                + " WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_litestream\\_%' ESCAPE '\\' ORDER BY type, name");
    }

    static List<String> tables(Connection c) throws SQLException {
        return strings(c, "SELECT name FROM sqlite_schema WHERE type = 'table'"
                + " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_litestream\\_%' ESCAPE '\\' ORDER BY name");
    }

    private static void compareTable(Connection e, Connection a, String table, String what) throws SQLException {
        String sql = orderedSelect(e, table);
        try (Statement se = e.createStatement(); ResultSet re = se.executeQuery(sql);
                Statement sa = a.createStatement(); ResultSet ra = sa.executeQuery(sql)) {
            int cols = re.getMetaData().getColumnCount();
            long row = 0;
            while (true) {
                boolean he = re.next();
                boolean ha = ra.next();
                row++;
                if (!he && !ha) {
                    return;
                }
                if (he != ha) {
                    throw new AssertionError(what + ": table " + table + " row " + row + ": "
                            + (he ? "missing in the restored database: " + describe(re, cols) : "extra row: " + describe(ra, cols)));
                }
                for (int i = 1; i <= cols; i++) {
                    Object ve = re.getObject(i);
                    Object va = ra.getObject(i);
                    if (!same(ve, va)) {
                        throw new AssertionError(what + ": table " + table + " row " + row + " column "
                                + re.getMetaData().getColumnName(i) + ": expected " + show(ve) + " but was " + show(va)
                                + "\nexpected row: " + describe(re, cols) + "\nactual row:   " + describe(ra, cols));
                    }
                }
            }
        }
    }

    /** Every column in the ORDER BY, so row order does not depend on the query plan. */
    private static String orderedSelect(Connection c, String table) throws SQLException {
        int n;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\" LIMIT 0")) {
            n = rs.getMetaData().getColumnCount();
        }
        List<String> order = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            order.add(String.valueOf(i));
        }
        return "SELECT * FROM \"" + table + "\" ORDER BY " + String.join(", ", order);
    }

    private static boolean same(Object x, Object y) {
        if (x instanceof byte[] bx && y instanceof byte[] by) {
            return Arrays.equals(bx, by);
        }
        return Objects.equals(x, y);
    }

    private static String describe(ResultSet rs, int cols) throws SQLException {
        List<String> v = new ArrayList<>();
        for (int i = 1; i <= cols; i++) {
            v.add(show(rs.getObject(i)));
        }
        return v.toString();
    }

    private static String show(Object v) {
        if (v instanceof byte[] b) {
            String hex = HexFormat.of().formatHex(b, 0, Math.min(b.length, 16));
            return "blob[" + b.length + "]" + hex + (b.length > 16 ? "…" : "");
        }
        String s = String.valueOf(v);
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}

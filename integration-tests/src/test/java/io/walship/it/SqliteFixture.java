package io.walship.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The "application": a real SQLite database written through sqlite-jdbc, in WAL mode with the page size chosen
 * before the first page is written. Transactions begin IMMEDIATE so a writer never fails on a stale snapshot
 * while walship holds its locks; the busy timeout rides out walship's short write-lock windows.
 */
final class SqliteFixture implements AutoCloseable {
    private final Path path;
    private final Connection conn;

    private SqliteFixture(Path path, Connection conn) {
        this.path = path;
        this.conn = conn;
    }

    /** Creates a new database with the given page size, in WAL mode, with autocheckpoint as SQLite ships it. */
    static SqliteFixture create(Path path, int pageSize) throws SQLException {
        Connection c = open(path);
        exec(c, "PRAGMA page_size = " + pageSize);
        exec(c, "PRAGMA journal_mode = WAL");
        exec(c, "CREATE TABLE IF NOT EXISTS app_meta (k TEXT PRIMARY KEY, v TEXT)");
        int actual = queryInt(c, "PRAGMA page_size");
        if (actual != pageSize) {
            c.close();
            throw new IllegalStateException(path + ": page size " + actual + ", wanted " + pageSize);
        }
        return new SqliteFixture(path, c);
    }

    /** A plain connection, for readers and comparisons. */
    static Connection open(Path path) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout(30_000);
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return cfg.createConnection("jdbc:sqlite:" + path);
    }

    /** A read-only connection: never creates the file, never checkpoints on close. */
    static Connection openReadOnly(Path path) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setBusyTimeout(5000);
        return cfg.createConnection("jdbc:sqlite:" + path);
    }

    Path path() {
        return path;
    }

    Connection connection() {
        return conn;
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static int queryInt(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getInt(1) : -1;
        }
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void close() throws SQLException {
        conn.close();
    }
}

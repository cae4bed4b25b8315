package io.walship.primary.restore;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sqlite.SQLiteConfig;

/**
 * Content of a database as table → "schema, row count, digest of every row in rowid order", cheap to compare
 * and to print when two databases differ. Litestream's bookkeeping tables can be left out, since the source
 * database may hold a later {@code _litestream_seq} row than the last replicated one.
 */
final class DbFingerprint {
    private DbFingerprint() {
    }

    static Map<String, String> of(Path db, boolean includeLitestreamTables) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties())) {
            return of(c, includeLitestreamTables);
        }
    }

    static Map<String, String> of(Connection c, boolean includeLitestreamTables) throws SQLException {
        Map<String, String> tables = new TreeMap<>();
        List<String[]> schema = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) {
                schema.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        for (String[] t : schema) {
            if (!includeLitestreamTables && t[0].startsWith("_litestream")) {
                continue;
            }
            tables.put(t[0], t[1] + " | " + rows(c, t[0]));
        }
        return tables;
    }

    private static String rows(Connection c, String table) throws SQLException {
        MessageDigest md = sha256();
        long n = 0;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY rowid")) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                n++;
                for (int i = 1; i <= cols; i++) {
                    Object v = rs.getObject(i);
                    md.update((v == null ? "N" : v.getClass().getSimpleName()).getBytes());
                    if (v instanceof byte[] b) {
                        md.update(b);
                    } else if (v != null) {
                        md.update(v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    md.update((byte) 0);
                }
            }
        }
        return "rows=" + n + " sha256=" + HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

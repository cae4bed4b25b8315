package io.walship.follower;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ordered rows of every table and the schema, for comparing a follower with its primary. */
final class DbContent {
    private DbContent() {
    }

    static Map<String, List<String>> read(Connection c) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> tables = new ArrayList<>();
        List<String> schema = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")) {
            while (rs.next()) {
                schema.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
                if ("table".equals(rs.getString(1)) && !rs.getString(2).startsWith("sqlite_")) {
                    tables.add(rs.getString(2));
                }
            }
        }
        out.put("#schema", schema);
        for (String t : tables) {
            List<String> rows = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY rowid")) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    StringBuilder b = new StringBuilder();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object o = rs.getObject(i);
                        b.append(o instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(o)).append('|');
                    }
                    rows.add(b.toString());
                }
            }
            out.put(t, rows);
        }
        return out;
    }

    static Map<String, List<String>> read(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, readerProps())) {
            return read(c);
        }
    }

    static String integrity(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, readerProps());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A read-only reader with a 10 s busy timeout, as spec §11 asks of applications. */
    static java.util.Properties readerProps() {
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        return config.toProperties();
    }
}

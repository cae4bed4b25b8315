package io.walship.primary.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.primary.config.DbConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the connections of a captured database whose file vanished must not touch a new database created at the
 * same path since: SQLite skips the checkpoint and the WAL deletion at close when the file has moved. The new
 * database's WAL here holds its only copy of a committed row (its writer "crashed" before any checkpoint).
 */
class ClosingVanishedDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void closingLeavesTheNewDatabaseAtThePathAlone() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            exec(app, "PRAGMA journal_mode=wal");
            exec(app, "CREATE TABLE t (v)");
            exec(app, "INSERT INTO t VALUES ('old')");
        }
        CapturedDatabase captured = CapturedDatabase.open(DbConfig.of(db, List.of()));
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(db + suffix));
        }

        Path elsewhere = dir.resolve("elsewhere.db");
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + elsewhere)) {
            exec(writer, "PRAGMA journal_mode=wal");
            exec(writer, "PRAGMA wal_autocheckpoint=0");
            exec(writer, "CREATE TABLE u (v)");
            exec(writer, "INSERT INTO u VALUES ('new')");
            // Copied while the writer is open: a database and a WAL that is its only copy of the row.
            Files.copy(elsewhere, db);
            Files.copy(Path.of(elsewhere + "-wal"), Path.of(db + "-wal"));
        }
        long walBefore = Files.size(Path.of(db + "-wal"));
        assertThat(walBefore).isPositive();

        captured.close();

        assertThat(Files.size(Path.of(db + "-wal"))).isEqualTo(walBefore);
        try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = reader.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM u")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("new");
        }
    }

    private static void exec(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}

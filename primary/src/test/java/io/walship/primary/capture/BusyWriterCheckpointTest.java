package io.walship.primary.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.primary.config.DbConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer that commits back to back, never pausing, must not starve walship's checkpoints. */
class BusyWriterCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void checkpointsWinTheWriteLockAgainstAWriterThatNeverPauses() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("PRAGMA busy_timeout=5000");
            st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
            DbConfig config = DbConfig.of(db, List.of());
            try (CapturedDatabase captured = CapturedDatabase.open(config)) {
                AtomicBoolean stop = new AtomicBoolean();
                Thread capture = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            captured.sync();
                            Thread.sleep(2); // the capture loop's poll interval
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }
                });
                capture.start();
                long startIndex = captured.position().index();
                for (int i = 0; i < 6000; i++) {
                    st.execute("INSERT INTO t (v) VALUES (randomblob(2000))");
                }
                stop.set(true);
                capture.join();
                long walBytes = Files.size(dir.resolve("app.db-wal"));
                System.out.printf("busy writer: %d WAL indexes, WAL file %d bytes%n",
                        captured.position().index() - startIndex, walBytes);
                // 6000 one-page commits are six checkpoint thresholds of 1000 pages; SQLite's sleeping busy handler
                // lost the write lock to this writer almost every time (often one restart in the whole run).
                assertThat(captured.position().index() - startIndex).isGreaterThanOrEqualTo(3);
            }
        }
    }
}

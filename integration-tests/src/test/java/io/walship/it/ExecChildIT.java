package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -exec}: the application runs as walship's child (here {@code sh} driving the {@code sqlite3} shell).
 * Whatever the child commits is archived before walship exits with the child's status, and SIGTERM to walship
 * reaches the child before the final sync.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExecChildIT {
    private static final int BATCHES = 20;
    private static final int ROWS_PER_BATCH = 500;

    @TempDir
    Path dir;

    @BeforeEach
    void needsSqliteShell() {
        SqliteShell.require();
    }

    @Test
    void childExitStatusIsWalshipsAfterEverythingItWroteIsArchived() throws Exception {
        Path db = dir.resolve("app.db");
        String replica = WalshipProcess.fileUrl(dir.resolve("replica"));
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            SqliteFixture.exec(app.connection(), "CREATE TABLE t (id INTEGER, payload BLOB)");
            String child = "sh -c 'i=0; while [ $i -lt " + BATCHES + " ]; do i=$((i+1)); " + insert(db, ROWS_PER_BATCH)
                    + " || exit 9; done; exit 3'";
            ProcessResult result = WalshipProcess.run("replicate", "-exec", child, db.toString(), replica);

            assertThat(result.exitCode()).as(result.describe()).isEqualTo(3);
            assertThat(restoredCount(replica)).isEqualTo(BATCHES * ROWS_PER_BATCH);
        }
    }

    @Test
    void sigtermGoesToTheChildFirstThenTheFinalSyncArchivesItsLastWrite() throws Exception {
        Path db = dir.resolve("app.db");
        Path marker = dir.resolve("child-got-sigterm");
        String replica = WalshipProcess.fileUrl(dir.resolve("replica"));
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            SqliteFixture.exec(app.connection(), "CREATE TABLE t (id INTEGER, payload BLOB)");
            // The trap commits a last batch: it is in the archive only if the final sync ran after the child exited.
            String child = "sh -c 'last() { " + insert(db, 7) + "; touch " + marker + "; exit 0; }; trap last TERM; "
                    + "while true; do sleep 0.1; done'";
            try (RunningProcess walship = WalshipProcess.start("replicate", "-exec", child, db.toString(), replica)) {
                walship.awaitLine(l -> l.contains("msg=\"started sh"), WalshipProcess.TIMEOUT);
                ProcessResult result = walship.terminate(WalshipProcess.TIMEOUT);

                assertThat(result.exitCode()).as(result.describe()).isZero();
                assertThat(marker).exists();
                assertThat(restoredCount(replica)).isEqualTo(7);
            }
        }
    }

    @Test
    void followerStartsItsChildOnlyOnceTheFirstSnapshotIsVisible() throws Exception {
        Path db = dir.resolve("app.db");
        Path copy = dir.resolve("follower/app.db");
        Files.createDirectories(copy.getParent());
        Path seen = dir.resolve("rows-seen-by-child");
        int port = WalshipProcess.freePort();
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            SqliteFixture.exec(app.connection(), "CREATE TABLE t (id INTEGER, payload BLOB)");
            SqliteFixture.exec(app.connection(), "INSERT INTO t VALUES (1, x'00'), (2, x'01')");
            try (RunningProcess primary = WalshipProcess.replicateServing(db, WalshipProcess.fileUrl(dir.resolve("replica")), port)) {
                String child = "sh -c 'sqlite3 " + copy + " \"SELECT count(*) FROM t\" > " + seen + "; exit 4'";
                ProcessResult result = WalshipProcess.follow("http://127.0.0.1:" + port + "/app.db", copy, "-exec", child)
                        .await(WalshipProcess.TIMEOUT);

                assertThat(result.exitCode()).as(result.describe()).isEqualTo(4);
                assertThat(Files.readString(seen).strip()).isEqualTo("2");
            }
        }
    }

    /** A sqlite3 shell command (for inside a single-quoted sh script) committing {@code rows} rows in one transaction. */
    private static String insert(Path db, int rows) {
        return "sqlite3 -cmd \".timeout 30000\" " + db + " \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c"
                + " WHERE x < " + rows + ") INSERT INTO t SELECT x, randomblob(100) FROM c\"";
    }

    private int restoredCount(String replica) throws Exception {
        Path out = dir.resolve("restored.db");
        Files.deleteIfExists(out);
        WalshipProcess.run("restore", "-o", out.toString(), replica).assertSuccess();
        try (Connection c = SqliteFixture.open(out)) {
            return SqliteFixture.queryInt(c, "SELECT count(*) FROM t");
        }
    }
}

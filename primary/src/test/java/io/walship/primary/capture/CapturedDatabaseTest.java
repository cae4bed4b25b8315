package io.walship.primary.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.primary.config.DbConfig;
import io.walship.protocol.Pos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapturedDatabaseTest {
    @TempDir
    Path dir;
    Path dbPath;
    Connection app;

    @BeforeEach
    void setUp() throws Exception {
        dbPath = dir.resolve("app.db");
        app = DriverManager.getConnection("jdbc:sqlite:" + dbPath);
        exec("PRAGMA journal_mode=wal");
        exec("PRAGMA busy_timeout=5000");
        exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    }

    @AfterEach
    void tearDown() throws Exception {
        app.close();
    }

    private void exec(String sql) throws Exception {
        try (Statement st = app.createStatement()) {
            st.execute(sql);
        }
    }

    private void insert(int n) throws Exception {
        exec("BEGIN");
        for (int i = 0; i < n; i++) {
            exec("INSERT INTO t (v) VALUES (hex(randomblob(200)))");
        }
        exec("COMMIT");
    }

    private DbConfig config() {
        return DbConfig.of(dbPath, List.of());
    }

    private byte[] shadow(Pos p) throws Exception {
        return Files.readAllBytes(dir.resolve(".app.db-litestream/generations/" + p.generation() + "/wal/"
                + String.format("%08x.wal", p.index())));
    }

    @Test
    void shadowIsAByteExactCopyOfTheCommittedWal() throws Exception {
        try (CapturedDatabase db = CapturedDatabase.open(config())) {
            insert(10);
            insert(5);
            db.sync();
            Pos p = db.position();
            byte[] wal = Files.readAllBytes(dir.resolve("app.db-wal"));
            assertThat(p.offset()).isEqualTo(wal.length);
            assertThat(shadow(p)).isEqualTo(wal);
            assertThat(Files.readString(dir.resolve(".app.db-litestream/generation")).strip()).isEqualTo(p.generation());
        }
    }

    @Test
    void thePublicPositionFileNamesEachCapturedPosition() throws Exception {
        Path file = dir.resolve("app.db-litestream/position");
        try (CapturedDatabase db = CapturedDatabase.open(config())) {
            assertThat(Pos.parse(Files.readString(file))).isEqualTo(db.position());
            insert(10);
            db.sync();
            // within a millisecond of the last write the position waits for the capture loop's next poll
            db.flushPositionFile();
            assertThat(Files.readString(file)).isEqualTo(db.position() + "\n");
            Pos beforeCheckpoint = db.position();
            db.checkpoint(CheckpointMode.PASSIVE);
            db.flushPositionFile();
            assertThat(Pos.parse(Files.readString(file))).isEqualTo(db.position()).isNotEqualTo(beforeCheckpoint);
        }
    }

    @Test
    void checkpointRestartsTheWalAsTheNextIndex() throws Exception {
        try (CapturedDatabase db = CapturedDatabase.open(config())) {
            insert(50);
            db.sync();
            Pos before = db.position();
            db.checkpoint(CheckpointMode.PASSIVE);
            Pos after = db.position();
            assertThat(after.generation()).isEqualTo(before.generation());
            assertThat(after.index()).isEqualTo(before.index() + 1);
            insert(3);
            db.sync();
            byte[] wal = Files.readAllBytes(dir.resolve("app.db-wal"));
            Pos now = db.position();
            assertThat(shadow(now)).isEqualTo(Arrays.copyOf(wal, (int) now.offset()));
            // The finished index keeps exactly what the old WAL life held.
            assertThat(shadow(before)).hasSize((int) before.offset());
        }
    }

    @Test
    void externalTruncateCheckpointCannotStealFrames() throws Exception {
        try (CapturedDatabase db = CapturedDatabase.open(config())) {
            insert(20);
            int[] r;
            exec("PRAGMA busy_timeout=100");
            try (Statement st = app.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                rs.next();
                r = new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)};
            }
            assertThat(r[0]).as("busy: our read transaction holds the WAL").isEqualTo(1);
            insert(1);
            db.sync();
            byte[] wal = Files.readAllBytes(dir.resolve("app.db-wal"));
            assertThat(shadow(db.position())).isEqualTo(Arrays.copyOf(wal, (int) db.position().offset()));
        }
    }

    @Test
    void reopenContinuesTheGenerationWhileTheWalSurvives() throws Exception {
        Pos first;
        try (CapturedDatabase db = CapturedDatabase.open(config())) {
            insert(5);
            db.sync();
            first = db.position();
        }
        // The app's connection is still open, so SQLite kept the WAL when ours closed.
        insert(5);
        try (CapturedDatabase db = CapturedDatabase.open(config())) {
            Pos p = db.position();
            assertThat(p.generation()).isEqualTo(first.generation());
            assertThat(p.offset()).isGreaterThan(first.offset());
        }
    }

    @Test
    void walRewrittenBehindOurBackStartsANewGeneration() throws Exception {
        Pos first;
        try (CapturedDatabase db = CapturedDatabase.open(config())) {
            insert(5);
            db.sync();
            first = db.position();
        }
        // While walship is down the app checkpoints and restarts the WAL: frames we never saw may be gone.
        try (Statement st = app.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        insert(2);
        try (CapturedDatabase db = CapturedDatabase.open(config())) {
            assertThat(db.position().generation()).isNotEqualTo(first.generation());
            assertThat(db.position().index()).isZero();
        }
    }

    @Test
    void finishedShadowWalsWithinTheStreamRetentionSurviveArchivePruning() throws Exception {
        try (CapturedDatabase db = CapturedDatabase.open(config())) {
            insert(20);
            db.checkpoint(CheckpointMode.PASSIVE);
            Pos first = db.position();
            insert(20);
            db.checkpoint(CheckpointMode.PASSIVE);
            insert(1);
            db.sync();
            db.retainShadowFrom(db.position().index());
            assertThat(db.shadowLength(first.generation(), first.index() - 1)).as("kept for reconnecting followers").isPositive();

            db.streamRetentionBytes(0);
            db.retainShadowFrom(db.position().index());
            assertThat(db.shadowLength(first.generation(), first.index() - 1)).isEqualTo(-1);
            assertThat(db.shadowLength(first.generation(), first.index())).isEqualTo(-1);
        }
    }

    @Test
    void aSnapshotAloneIsTheCommittedDatabase() throws Exception {
        try (CapturedDatabase db = CapturedDatabase.open(config())) {
            insert(30);
            exec("DELETE FROM t WHERE id % 3 = 0");
            insert(5);
            db.sync();
            java.io.ByteArrayOutputStream image = new java.io.ByteArrayOutputStream();
            Pos at = db.snapshot(image);
            assertThat(at.offset()).isZero();
            Path restored = dir.resolve("snapshot.db");
            Files.write(restored, image.toByteArray());
            // The frames are still only in the WAL: a copy of the bare database file would have none of these rows.
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("ok");
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(25);
                }
            }
        }
    }
}

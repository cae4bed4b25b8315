package io.walship.follower;

import io.walship.protocol.Pos;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Refused input leaves the database, the position file and the applier's position unchanged. */
class ContinuityTest {
    @TempDir
    Path dir;
    private Path db;
    private TestPrimary p;
    private FollowerApplier a;

    @BeforeEach
    void setUp() throws Exception {
        db = dir.resolve("f").resolve("app.db");
        p = new TestPrimary(dir.resolve("primary"), 4096);
        a = FollowerApplier.open(db);
        p.tx("CREATE TABLE t(id INTEGER PRIMARY KEY, x)");
        a.applySnapshot(p.snapshotPos(), p.snapshotStream());
        p.tx("INSERT INTO t(x) VALUES (randomblob(5000))");
        p.feed(a, 1);
    }

    @org.junit.jupiter.api.AfterEach
    void tearDown() throws Exception {
        a.close();
        p.close();
    }

    private interface Action {
        void run() throws Exception;
    }

    private void assertRefusedUnchanged(Class<? extends Exception> type, String message, Action action) throws Exception {
        Map<String, List<String>> before = DbContent.read(db);
        Optional<Pos> file = PositionFile.of(db).read();
        Optional<Pos> pos = a.position();
        assertThatThrownBy(action::run).isInstanceOf(type).hasMessageContaining(message);
        assertThat(DbContent.read(db)).isEqualTo(before);
        assertThat(PositionFile.of(db).read()).isEqualTo(file);
        assertThat(a.position()).isEqualTo(pos);
    }

    /** The next transaction's range, as the stream would send it. */
    private byte[] nextRange(long[] startEnd) throws Exception {
        p.tx("INSERT INTO t(x) VALUES (randomblob(6000))");
        byte[] wal = p.wal();
        long start = a.position().orElseThrow().offset();
        startEnd[0] = start;
        startEnd[1] = wal.length;
        return Arrays.copyOfRange(wal, (int) start, wal.length);
    }

    @Test
    void gapOverlapAndOtherGenerationAreRefused() throws Exception {
        long[] se = new long[2];
        byte[] r = nextRange(se);
        long frame = 24 + 4096;
        assertRefusedUnchanged(ContinuityException.class, "gap", () ->
                a.applyWal(p.pos(se[0] + frame), p.pos(se[1]), Arrays.copyOfRange(r, (int) frame, r.length)));
        assertRefusedUnchanged(ContinuityException.class, "overlaps", () ->
                a.applyWal(p.pos(se[0] - frame), p.pos(se[1]), new byte[(int) (se[1] - se[0] + frame)]));
        assertRefusedUnchanged(ContinuityException.class, "generation", () ->
                a.applyWal(new Pos("00000000000000aa", 1, se[0]), new Pos("00000000000000aa", 1, se[1]), r));
        assertRefusedUnchanged(ContinuityException.class, "leaves a gap", () ->
                a.applyWal(p.at(3, 0), p.at(3, se[1]), r));
        a.applyWal(p.pos(se[0]), p.pos(se[1]), r);
        assertThat(DbContent.read(db)).isEqualTo(DbContent.read(p.conn));
    }

    @Test
    void corruptedOrTornBytesAreRefused() throws Exception {
        long[] se = new long[2];
        byte[] r = nextRange(se);
        byte[] flipped = r.clone();
        flipped[24 + 100] ^= 1;
        assertRefusedUnchanged(InvalidBatchException.class, "checksum mismatch", () ->
                a.applyWal(p.pos(se[0]), p.pos(se[1]), flipped));
        byte[] salts = r.clone();
        salts[9] ^= 1;
        assertRefusedUnchanged(InvalidBatchException.class, "salt mismatch", () ->
                a.applyWal(p.pos(se[0]), p.pos(se[1]), salts));
        int frame = 24 + 4096;
        assertRefusedUnchanged(InvalidBatchException.class, "commit frame", () ->
                a.applyWal(p.pos(se[0]), p.pos(se[1] - frame), Arrays.copyOf(r, r.length - frame)));
        assertRefusedUnchanged(InvalidBatchException.class, "whole frames", () ->
                a.applyWal(p.pos(se[0]), p.pos(se[1] - 100), Arrays.copyOf(r, r.length - 100)));
        assertRefusedUnchanged(InvalidBatchException.class, "bytes were given", () ->
                a.applyWal(p.pos(se[0]), p.pos(se[1] + 1), r));
        a.applyWal(p.pos(se[0]), p.pos(se[1]), r);
        assertThat(DbContent.read(db)).isEqualTo(DbContent.read(p.conn));
    }

    @Test
    void anIndexThatIsNotARestartOfThePreviousOneIsRefused() throws Exception {
        try (TestPrimary other = new TestPrimary(dir.resolve("other"), 4096)) {
            other.tx("CREATE TABLE z(y)");
            byte[] foreign = other.wal();
            Pos start = p.at(2, 0);
            assertRefusedUnchanged(ContinuityException.class, "does not restart", () ->
                    a.applyWal(start, p.at(2, foreign.length), foreign));
        }
    }

    @Test
    void badSnapshotsAreRefused() throws Exception {
        byte[] snap = p.snapshot();
        byte[] rollbackMode = snap.clone();
        rollbackMode[18] = 1;
        rollbackMode[19] = 1;
        assertRefusedUnchanged(InvalidBatchException.class, "WAL mode", () ->
                a.applySnapshot(p.pos(0), new ByteArrayInputStream(rollbackMode)));
        assertRefusedUnchanged(InvalidBatchException.class, "not a SQLite database", () ->
                a.applySnapshot(p.pos(0), new ByteArrayInputStream(new byte[4096])));
        assertRefusedUnchanged(InvalidBatchException.class, "offset 0", () ->
                a.applySnapshot(p.pos(32), new ByteArrayInputStream(snap)));
        try (TestPrimary small = new TestPrimary(dir.resolve("small"), 1024, "00000000000000bb")) {
            small.tx("CREATE TABLE s(x)");
            assertRefusedUnchanged(InvalidBatchException.class, "page size", () ->
                    a.applySnapshot(small.snapshotPos(), small.snapshotStream()));
        }
    }

    @Test
    void walBeforeAnySnapshotIsRefused() throws Exception {
        Path other = dir.resolve("g").resolve("new.db");
        try (FollowerApplier b = FollowerApplier.open(other)) {
            byte[] wal = p.wal();
            assertThatThrownBy(() -> b.applyWal(p.pos(0), p.pos(wal.length), wal))
                    .isInstanceOf(ContinuityException.class).hasMessageContaining("snapshot is needed");
            assertThat(Files.exists(other)).isFalse();
            assertThat(PositionFile.of(other).read()).isEmpty();
        }
    }

    @Test
    void aSecondFollowerRefusesToStart() {
        assertThatThrownBy(() -> FollowerApplier.open(db)).isInstanceOf(FollowerLockedException.class);
    }

    @Test
    void localWriteIsDetectedAndASnapshotRepairsIt() throws Exception {
        try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = w.createStatement()) {
            st.execute("PRAGMA busy_timeout=5000");
            st.execute("INSERT INTO t(x) VALUES ('local')");
        }
        long[] se = new long[2];
        byte[] r = nextRange(se);
        assertThatThrownBy(() -> a.applyWal(p.pos(se[0]), p.pos(se[1]), r))
                .isInstanceOf(LocalWriteDetectedException.class);
        assertThat(a.needsSnapshot()).isTrue();
        assertThatThrownBy(() -> a.applyWal(p.pos(se[0]), p.pos(se[1]), r))
                .isInstanceOf(LocalWriteDetectedException.class);
        resyncFromSnapshot();
    }

    @Test
    void localWriteWhileTheFollowerWasStoppedIsDetectedAtOpenWhenTheWalSurvives() throws Exception {
        try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + db, DbContent.readerProps())) {
            DbContent.read(reader);
            a.close();
            try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = w.createStatement()) {
                st.execute("INSERT INTO t(x) VALUES ('local')");
            }
            a = FollowerApplier.open(db);
            assertThat(a.needsSnapshot()).isTrue();
        }
        resyncFromSnapshot();
    }

    /** With the WAL checkpointed away by the writer's close, only a changed page count is visible at open. */
    @Test
    void localWriteWhileTheFollowerWasStoppedIsDetectedAtOpenWhenThePageCountChanged() throws Exception {
        a.close();
        try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = w.createStatement()) {
            st.execute("INSERT INTO t(x) VALUES (randomblob(20000))");
        }
        a = FollowerApplier.open(db);
        assertThat(a.needsSnapshot()).isTrue();
        resyncFromSnapshot();
    }

    @Test
    void aDatabaseWithoutJournalIsUnknownAndNeedsASnapshot() throws Exception {
        a.close();
        Files.delete(PositionFile.metaDirectory(db).resolve("follower.journal"));
        a = FollowerApplier.open(db);
        assertThat(a.needsSnapshot()).isTrue();
        assertThat(a.position()).isEmpty();
        assertThat(PositionFile.of(db).read()).isEmpty();
        resyncFromSnapshot();
    }

    @Test
    void aLostSpoolOfACrashedRangeAsksForASnapshotAtOrAfterIt() throws Exception {
        long[] se = new long[2];
        byte[] r = nextRange(se);
        boolean[] crash = {true};
        a.close();
        a = FollowerApplier.open(db, ApplierSettings.defaults().withSteps(step -> {
            if (crash[0] && step == ApplyStep.PENDING_PERSISTED) {
                crash[0] = false;
                throw new IllegalStateException("crash");
            }
        }));
        assertThatThrownBy(() -> a.applyWal(p.pos(se[0]), p.pos(se[1]), r)).hasMessage("crash");
        a.close();
        Files.write(PositionFile.metaDirectory(db).resolve("pending.spool"), new byte[] {1, 2, 3});
        a = FollowerApplier.open(db);
        assertThat(a.needsSnapshot()).isTrue();
        assertThatThrownBy(() -> a.applyWal(p.pos(se[0]), p.pos(se[1]), r)).isInstanceOf(ContinuityException.class);
        resyncFromSnapshot();
    }

    private void resyncFromSnapshot() throws Exception {
        p.discardUnfed();
        p.checkpointRestart();
        a.applySnapshot(p.snapshotPos(), p.snapshotStream());
        p.tx("INSERT INTO t(x) VALUES ('after resync')");
        p.feed(a, 1);
        assertThat(a.needsSnapshot()).isFalse();
        assertThat(DbContent.read(db)).isEqualTo(DbContent.read(p.conn));
        assertThat(DbContent.integrity(db)).isEqualTo("ok");
    }
}

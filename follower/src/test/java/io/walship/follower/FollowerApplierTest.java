package io.walship.follower;

import io.walship.protocol.Pos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FollowerApplierTest {
    @TempDir
    Path dir;

    private Path followerDb() {
        return dir.resolve("follower").resolve("app.db");
    }

    private void assertSameContent(TestPrimary primary) throws Exception {
        Map<String, List<String>> expected = DbContent.read(primary.conn);
        assertThat(DbContent.read(followerDb())).isEqualTo(expected);
        assertThat(DbContent.integrity(followerDb())).isEqualTo("ok");
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 4096, 65536})
    void followsPrimaryThroughBigTransactionsDeletesVacuumAndNewIndex(int pageSize) throws Exception {
        Files.createDirectories(followerDb().getParent());
        try (TestPrimary p = new TestPrimary(dir.resolve("primary"), pageSize);
             FollowerApplier a = FollowerApplier.open(followerDb())) {
            assertThat(a.needsSnapshot()).isTrue();
            p.tx("CREATE TABLE t(id INTEGER PRIMARY KEY, x INTEGER, pad BLOB)");
            a.applySnapshot(p.snapshotPos(), p.snapshotStream());
            assertThat(a.position()).contains(p.snapshotPos());
            assertThat(a.visiblePosition()).isEmpty();
            assertThat(Files.exists(followerDb())).isFalse();
            for (int i = 0; i < 20; i++) {
                p.tx("INSERT INTO t(x, pad) VALUES (" + i + ", randomblob(100))");
            }
            p.feed(a, 3);
            assertSameContent(p);
            assertThat(PositionFile.of(followerDb()).read()).isEqualTo(a.visiblePosition());

            p.tx("INSERT INTO t(x, pad) SELECT value, randomblob(3000) FROM json_each('[" + "1,".repeat(199) + "1]')");
            p.tx("DELETE FROM t WHERE id % 3 = 0", "UPDATE t SET x = x + 1");
            p.feed(a, 1);
            assertSameContent(p);

            p.run("DELETE FROM t WHERE id > 50");
            p.run("VACUUM");
            p.feed(a, 1);
            assertSameContent(p);

            p.checkpointRestart();
            p.tx("CREATE TABLE u(a TEXT)", "INSERT INTO u VALUES ('after restart')");
            p.tx("INSERT INTO t(x) VALUES (-1)");
            assertThat(p.feed(a, 1)).isEqualTo(2);
            assertThat(a.position()).map(Pos::index).contains(2L);
            assertSameContent(p);
            assertThat(PositionFile.of(followerDb()).read()).isEqualTo(a.visiblePosition());
        }
    }

    @Test
    void writesAnImageOfWhatReadersSeeThatServesAsASnapshot() throws Exception {
        Files.createDirectories(followerDb().getParent());
        try (TestPrimary p = new TestPrimary(dir.resolve("primary"), 4096);
             FollowerApplier a = FollowerApplier.open(followerDb())) {
            p.tx("CREATE TABLE t(id INTEGER PRIMARY KEY, x INTEGER, pad BLOB)");
            a.applySnapshot(p.snapshotPos(), p.snapshotStream());
            p.tx("INSERT INTO t(x, pad) SELECT value, randomblob(900) FROM json_each('[" + "1,".repeat(99) + "1]')");
            p.feed(a, 1);
            a.checkpoint();
            p.tx("DELETE FROM t WHERE id % 2 = 0", "UPDATE t SET x = x * 3");
            p.tx("INSERT INTO t(x) VALUES (7)");
            p.feed(a, 1);

            ByteArrayOutputStream image = new ByteArrayOutputStream();
            Pos at = a.writeImage(image);
            assertThat(at).isEqualTo(a.visiblePosition().orElseThrow());
            Path copy = dir.resolve("image.db");
            Files.write(copy, image.toByteArray());
            assertThat(DbContent.read(copy)).isEqualTo(DbContent.read(p.conn));

            // A second follower takes the image as a snapshot of the index and replays that index's WAL over it.
            Path second = dir.resolve("second").resolve("app.db");
            Files.createDirectories(second.getParent());
            try (FollowerApplier b = FollowerApplier.open(second)) {
                Pos start = p.at(at.index(), 0);
                b.applySnapshot(start, new ByteArrayInputStream(image.toByteArray()));
                b.applyWal(start, at, Arrays.copyOf(p.wal(), (int) at.offset()));
                assertThat(DbContent.read(second)).isEqualTo(DbContent.read(p.conn));
                assertThat(DbContent.integrity(second)).isEqualTo("ok");
            }
        }
    }

    @Test
    void reopenContinuesFromTheJournalAndKeepsThePositionFile() throws Exception {
        try (TestPrimary p = new TestPrimary(dir.resolve("primary"), 4096)) {
            p.tx("CREATE TABLE t(x)");
            Pos at;
            try (FollowerApplier a = FollowerApplier.open(followerDb())) {
                a.applySnapshot(p.snapshotPos(), p.snapshotStream());
                p.tx("INSERT INTO t VALUES (1)");
                p.feed(a, 1);
                at = a.position().orElseThrow();
            }
            try (FollowerApplier a = FollowerApplier.open(followerDb())) {
                assertThat(a.position()).contains(at);
                assertThat(a.needsSnapshot()).isFalse();
                p.tx("INSERT INTO t VALUES (2)");
                p.feed(a, 1);
                assertSameContent(p);
            }
        }
    }

    /** Each clean close checkpoints the WAL away, so every open but the first finds an empty WAL. */
    @Test
    void reopeningTwiceWithoutAnApplyInBetweenNeedsNoSnapshot() throws Exception {
        try (TestPrimary p = new TestPrimary(dir.resolve("primary"), 4096)) {
            p.tx("CREATE TABLE t(x)");
            try (FollowerApplier a = FollowerApplier.open(followerDb())) {
                a.applySnapshot(p.snapshotPos(), p.snapshotStream());
                p.tx("INSERT INTO t VALUES (1)");
                p.feed(a, 1);
            }
            for (int i = 0; i < 2; i++) {
                try (FollowerApplier a = FollowerApplier.open(followerDb())) {
                    assertThat(a.needsSnapshot()).isFalse();
                }
            }
            try (FollowerApplier a = FollowerApplier.open(followerDb())) {
                p.tx("INSERT INTO t VALUES (2)");
                p.feed(a, 1);
                assertSameContent(p);
            }
        }
    }

    @Test
    void snapshotOfANewGenerationReplacesTheContentOnline() throws Exception {
        try (TestPrimary p = new TestPrimary(dir.resolve("p1"), 4096);
             TestPrimary q = new TestPrimary(dir.resolve("p2"), 4096, "00000000000000ff");
             FollowerApplier a = FollowerApplier.open(followerDb())) {
            p.tx("CREATE TABLE t(x)");
            a.applySnapshot(p.snapshotPos(), p.snapshotStream());
            for (int i = 0; i < 30; i++) {
                p.tx("INSERT INTO t VALUES (randomblob(2000))");
            }
            p.feed(a, 5);
            assertSameContent(p);

            q.tx("CREATE TABLE other(y)", "INSERT INTO other VALUES ('small')");
            q.discardUnfed();
            q.checkpointRestart();
            a.applySnapshot(q.snapshotPos(), q.snapshotStream());
            assertSameContent(p);
            q.tx("INSERT INTO other VALUES ('more')");
            q.feed(a, 1);
            assertSameContent(q);
            assertThat(PositionFile.of(followerDb()).read()).contains(q.pos(q.wal().length));
        }
    }

    @Test
    void headerOnlyRangeAfterSnapshotMakesTheSnapshotVisible() throws Exception {
        try (TestPrimary p = new TestPrimary(dir.resolve("primary"), 4096);
             FollowerApplier a = FollowerApplier.open(followerDb())) {
            p.tx("CREATE TABLE t(x)", "INSERT INTO t VALUES (42)");
            p.discardUnfed();
            p.checkpointRestart();
            p.tx("INSERT INTO t VALUES (43)");
            byte[] header = Arrays.copyOf(p.wal(), 32);
            p.run("DELETE FROM t WHERE x = 43");
            a.applySnapshot(p.snapshotPos(), p.snapshotStream());
            a.applyWal(p.pos(0), p.pos(32), header);
            assertThat(a.visiblePosition()).contains(p.pos(32));
            assertThat(DbContent.read(followerDb()).get("t")).containsExactly("42|");
            p.markFed(32);
            p.feed(a, 1);
            assertSameContent(p);
        }
    }

    @Test
    void smallTransactionThroughput() throws Exception {
        try (TestPrimary p = new TestPrimary(dir.resolve("primary"), 4096);
             FollowerApplier a = FollowerApplier.open(followerDb())) {
            p.tx("CREATE TABLE t(id INTEGER PRIMARY KEY, x)");
            a.applySnapshot(p.snapshotPos(), p.snapshotStream());
            int n = 300;
            for (int i = 0; i < n; i++) {
                p.tx("INSERT INTO t(x) VALUES (" + i + ")");
            }
            long t0 = System.nanoTime();
            p.feed(a, 1);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("apply throughput: %d single-commit batches in %.2f s = %.0f commits/s%n", n + 1, secs,
                    (n + 1) / secs);
            assertSameContent(p);
        }
    }
}

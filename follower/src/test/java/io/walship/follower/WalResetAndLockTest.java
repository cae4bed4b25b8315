package io.walship.follower;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** WAL reset versus append (spec §9.1), torn tails, the write lock during an apply, and descriptor hygiene. */
class WalResetAndLockTest {
    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("f").resolve("app.db");
    }

    private byte[] localWalSalts() throws IOException {
        byte[] wal = Files.readAllBytes(dir.resolve("f").resolve("app.db-wal"));
        return wal.length < 32 ? new byte[0] : Arrays.copyOfRange(wal, 16, 24);
    }

    @Test
    void aPinnedReaderMakesTheCheckpointBusyAndApplyAppendsAnIdleOneLetsTheWalReset() throws Exception {
        try (TestPrimary p = new TestPrimary(dir.resolve("primary"), 4096);
             FollowerApplier a = FollowerApplier.open(db())) {
            Workload.init(p);
            a.applySnapshot(p.snapshotPos(), p.snapshotStream());
            Workload w = new Workload(3);
            w.step(p, 1);
            p.feed(a, 1);
            try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + db(), DbContent.readerProps());
                 Statement st = reader.createStatement()) {
                reader.setAutoCommit(false);
                Workload.View pinned = Workload.read(st);
                assertThat(a.checkpoint().busy()).isTrue();
                byte[] salts = localWalSalts();
                long walBefore = Files.size(dir.resolve("f").resolve("app.db-wal"));
                w.step(p, 2);
                p.feed(a, 1);
                assertThat(localWalSalts()).isEqualTo(salts);
                assertThat(Files.size(dir.resolve("f").resolve("app.db-wal"))).isGreaterThan(walBefore);
                assertThat(Workload.read(st)).isEqualTo(pinned);
                reader.commit();
                assertThat(Workload.read(st).v()).isEqualTo(2);
                reader.commit();
            }
            byte[] before = localWalSalts();
            CheckpointResult r = a.checkpoint();
            assertThat(r.busy()).isFalse();
            assertThat(Files.size(dir.resolve("f").resolve("app.db-wal"))).isZero();
            w.step(p, 3);
            p.feed(a, 1);
            assertThat(localWalSalts()).hasSize(8).isNotEqualTo(before);
            assertThat(DbContent.read(db())).isEqualTo(DbContent.read(p.conn));
        }
    }

    @Test
    void anotherProcessCannotTakeTheWriteLockWhileABatchIsWritten() throws Exception {
        AtomicReference<String> cliError = new AtomicReference<>();
        StepListener probe = step -> {
            if (step == ApplyStep.WAL_SYNCED && cliError.get() == null) {
                cliError.set(runCli(".timeout 0\nBEGIN IMMEDIATE;\n"));
            }
        };
        try (TestPrimary p = new TestPrimary(dir.resolve("primary"), 4096);
             FollowerApplier a = FollowerApplier.open(db(), ApplierSettings.defaults().withSteps(probe))) {
            p.tx("CREATE TABLE t(x)");
            a.applySnapshot(p.snapshotPos(), p.snapshotStream());
            p.feed(a, 1);
            assertThat(cliError.get()).as("the bootstrap batch takes the offline path").isNull();
            p.tx("INSERT INTO t VALUES (1)");
            p.feed(a, 1);
            assertThat(cliError.get()).contains("database is locked");
            assertThat(runCli(".timeout 0\nBEGIN IMMEDIATE;\nROLLBACK;\n")).isEmpty();
        }
    }

    private String runCli(String script) {
        try {
            Process proc = new ProcessBuilder("/usr/bin/sqlite3", "-batch", db().toString()).start();
            proc.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            proc.getOutputStream().close();
            String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            proc.waitFor();
            return err;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A failure before the wal-index is invalidated leaves invisible frames; the retry overwrites them. */
    @Test
    void tornOrUninvalidatedFramesStayInvisibleAndTheRetryAppliesTheSameRange() throws Exception {
        for (ApplyStep failAt : List.of(ApplyStep.FRAMES_HALF_WRITTEN, ApplyStep.WAL_SYNCED)) {
            Path fdir = dir.resolve(failAt.name());
            Path fdb = fdir.resolve("app.db");
            boolean[] armed = {false};
            StepListener fail = step -> {
                if (armed[0] && step == failAt) {
                    armed[0] = false;
                    throw new IllegalStateException("injected failure at " + step);
                }
            };
            try (TestPrimary p = new TestPrimary(fdir.resolve("primary"), 4096);
                 FollowerApplier a = FollowerApplier.open(fdb, ApplierSettings.defaults().withSteps(fail))) {
                Workload.init(p);
                a.applySnapshot(p.snapshotPos(), p.snapshotStream());
                Workload w = new Workload(5);
                w.step(p, 1);
                p.feed(a, 1);
                var position = PositionFile.of(fdb).read();
                w.step(p, 2);
                byte[] wal = p.wal();
                long start = a.position().orElseThrow().offset();
                byte[] range = Arrays.copyOfRange(wal, (int) start, wal.length);
                armed[0] = true;
                assertThatThrownBy(() -> a.applyWal(p.pos(start), p.pos(wal.length), range))
                        .hasMessageContaining("injected failure");
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + fdb, DbContent.readerProps());
                     Statement st = c.createStatement()) {
                    assertThat(Workload.read(st).v()).isEqualTo(1);
                }
                assertThat(PositionFile.of(fdb).read()).isEqualTo(position);
                a.applyWal(p.pos(start), p.pos(wal.length), range);
                assertThat(DbContent.read(fdb)).isEqualTo(DbContent.read(p.conn));
                assertThat(PositionFile.of(fdb).read()).contains(p.pos(wal.length));
            }
        }
    }

    /** Spec I7: only LiveDatabase may name the -wal or -shm (and it never opens the database file itself). */
    @Test
    void onlyTheApplyClassTouchesWalAndShm() throws IOException {
        Path main = Path.of("src/main/java/io/walship/follower");
        try (Stream<Path> files = Files.list(main)) {
            List<String> offenders = files.filter(f -> !f.getFileName().toString().equals("LiveDatabase.java"))
                    .filter(f -> {
                        try {
                            String src = Files.readString(f);
                            return src.contains("\"-shm\"") || src.contains("\"-wal\"") || src.contains("RandomAccessFile");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }).map(f -> f.getFileName().toString()).toList();
            assertThat(offenders).isEmpty();
        }
    }
}

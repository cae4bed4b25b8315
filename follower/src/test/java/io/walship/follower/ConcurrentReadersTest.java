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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers in other processes (the sqlite3 CLI, one of them read-only) and in this JVM read continuously while the
 * follower applies; none may ever see a partial transaction, an error, or time going backwards.
 */
class ConcurrentReadersTest {
    private static final int TRANSACTIONS = 240;

    @TempDir
    Path dir;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong longReads = new AtomicLong();

    @Test
    void readersNeverSeeAPartialTransaction() throws Exception {
        Path db = dir.resolve("f").resolve("app.db");
        ApplierSettings settings = ApplierSettings.defaults().withCheckpointWalBytes(256 * 1024);
        Workload w = new Workload(42);
        List<Thread> threads = new ArrayList<>();
        try (TestPrimary p = new TestPrimary(dir.resolve("primary"), 4096);
             FollowerApplier a = FollowerApplier.open(db, settings)) {
            Workload.init(p);
            a.applySnapshot(p.snapshotPos(), p.snapshotStream());
            p.feed(a, 1);
            Path script = writeScript();
            threads.add(start(() -> cliReader(db, script, false)));
            threads.add(start(() -> cliReader(db, script, true)));
            threads.add(start(() -> jdbcReader(db)));
            threads.add(start(() -> jdbcReader(db)));
            threads.add(start(() -> longTransactionReader(db)));
            int busyCheckpoints = 0;
            for (int v = 1; v <= TRANSACTIONS; v++) {
                w.step(p, v);
                if (v % 3 == 0) {
                    p.feed(a, 1 + v % 4);
                }
                if (v % 50 == 0 && a.checkpoint().busy()) {
                    busyCheckpoints++;
                }
                if (v == TRANSACTIONS / 2) {
                    p.checkpointRestart();
                }
            }
            p.feed(a, 2);
            Thread.sleep(300);
            stop.set(true);
            for (Thread t : threads) {
                t.join(60_000);
            }
            System.out.printf("concurrent readers: %d reader transactions, %d long ones, %d busy checkpoints%n",
                    reads.get(), longReads.get(), busyCheckpoints);
            assertThat(problems).isEmpty();
            assertThat(reads.get()).isGreaterThan(100);
            assertThat(DbContent.read(db)).isEqualTo(DbContent.read(p.conn));
            assertThat(DbContent.integrity(db)).isEqualTo("ok");
        } finally {
            stop.set(true);
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private Thread start(Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                problems.add(e.toString());
            }
        });
        t.start();
        return t;
    }

    private Path writeScript() throws IOException {
        StringBuilder b = new StringBuilder(".timeout 10000\n");
        for (int i = 0; i < 400; i++) {
            b.append(Workload.QUERY).append('\n');
        }
        Path script = dir.resolve("reader.sql");
        Files.writeString(script, b.toString());
        return script;
    }

    /** Repeatedly runs the sqlite3 CLI over the query script; every output line is one read transaction. */
    private void cliReader(Path db, Path script, boolean readOnly) throws Exception {
        int run = 0;
        while (!stop.get()) {
            Path out = dir.resolve("cli-" + readOnly + "-" + run + ".out");
            Path err = dir.resolve("cli-" + readOnly + "-" + run + ".err");
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/sqlite3", "-batch"));
            if (readOnly) {
                cmd.add("-readonly");
            }
            cmd.add(db.toString());
            Process proc = new ProcessBuilder(cmd).redirectInput(script.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            proc.waitFor();
            String errors = Files.readString(err, StandardCharsets.UTF_8).strip();
            if (!errors.isEmpty()) {
                problems.add("sqlite3 CLI: " + errors);
            }
            long last = -1;
            for (String line : Files.readAllLines(out)) {
                Workload.View view = Workload.View.parse(line);
                view.check();
                if (view.v() < last) {
                    throw new AssertionError("CLI reader went back from v=" + last + " to " + view);
                }
                last = view.v();
                reads.incrementAndGet();
            }
            run++;
        }
    }

    private void jdbcReader(Path db) throws Exception {
        long last = -1;
        while (!stop.get()) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, DbContent.readerProps());
                 Statement st = c.createStatement()) {
                for (int i = 0; i < 50 && !stop.get(); i++) {
                    Workload.View view = Workload.read(st);
                    view.check();
                    if (view.v() < last) {
                        throw new AssertionError("JDBC reader went back from v=" + last + " to " + view);
                    }
                    last = view.v();
                    reads.incrementAndGet();
                }
            }
        }
    }

    /** A reader inside one transaction keeps its snapshot while batches land; it also pins the WAL. */
    private void longTransactionReader(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, DbContent.readerProps());
             Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            while (!stop.get()) {
                Workload.View first = Workload.read(st);
                first.check();
                Thread.sleep(30);
                Workload.View again = Workload.read(st);
                if (!again.equals(first)) {
                    throw new AssertionError("snapshot changed inside a read transaction: " + first + " -> " + again);
                }
                c.commit();
                longReads.incrementAndGet();
                reads.incrementAndGet();
            }
        }
    }
}

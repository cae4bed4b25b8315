package io.walship.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.sqlite.SQLiteConfig;

/**
 * Local readers of a follower database while it is being applied to, as applications would run them
 * (follower-apply.md §11): JDBC connections on threads (one opened read-write, one read-only) and the system
 * {@code sqlite3} CLI in its own process with {@code .timeout}. Each read runs {@link Ledger#INVARIANT_SQL}: a
 * partly visible transaction, an error ("malformed", BUSY) or a state older than one already seen by the same reader
 * is a failure.
 */
final class FollowerReaders implements AutoCloseable {
    private static final int BUSY_TIMEOUT_MS = 5000;

    private final Path db;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong jdbcReads = new AtomicLong();
    private final AtomicLong maxSeen = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final Process cli;
    private final Path cliOut;
    private final Path cliErr;
    private long cliReads;

    private FollowerReaders(Path db, int jdbcReaders) throws IOException {
        this.db = db;
        for (int i = 0; i < jdbcReaders; i++) {
            boolean readOnly = i % 2 == 1;
            Thread t = new Thread(() -> jdbcLoop(readOnly), "reader-" + db.getFileName() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        Path logs = Files.createDirectories(RepoRoot.get().resolve("integration-tests/target/process-logs"));
        String name = "sqlite3-reader-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        cliOut = logs.resolve(name + ".out");
        cliErr = logs.resolve(name + ".err");
        cli = new ProcessBuilder("sqlite3", "-batch", db.toString())
                .redirectOutput(cliOut.toFile()).redirectError(cliErr.toFile()).start();
        Thread feeder = new Thread(this::cliLoop, "reader-" + db.getFileName() + "-sqlite3");
        feeder.setDaemon(true);
        threads.add(feeder);
        threads.forEach(Thread::start);
    }

    /** Starts reading; the database must already be visible (its position file exists). */
    static FollowerReaders start(Path db, int jdbcReaders) {
        try {
            return new FollowerReaders(db, jdbcReaders);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sqlite3 on " + db, e);
        }
    }

    private void jdbcLoop(boolean readOnly) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout(BUSY_TIMEOUT_MS);
        cfg.setReadOnly(readOnly);
        long seen = 0;
        try (Connection c = cfg.createConnection("jdbc:sqlite:" + db)) {
            while (running.get()) {
                long k = Ledger.visibleState(c, db + " (JDBC" + (readOnly ? " read-only" : "") + ")");
                if (k < seen) {
                    throw new AssertionError(db + ": a JDBC reader saw transaction " + seen + ", then only " + k);
                }
                seen = k;
                maxSeen.accumulateAndGet(k, Math::max);
                jdbcReads.incrementAndGet();
                Thread.sleep(3);
            }
        } catch (SQLException | RuntimeException | AssertionError | InterruptedException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Feeds the CLI one query every few milliseconds; its answers are checked when it has exited. */
    private void cliLoop() {
        try (OutputStream in = cli.getOutputStream()) {
            in.write((".timeout " + BUSY_TIMEOUT_MS + "\n").getBytes(StandardCharsets.US_ASCII));
            byte[] query = (Ledger.INVARIANT_SQL + ";\n").getBytes(StandardCharsets.US_ASCII);
            while (running.get() && cli.isAlive()) {
                in.write(query);
                in.flush();
                cliReads++;
                Thread.sleep(15);
            }
            in.write(".quit\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | InterruptedException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Fails if a reader has failed so far. */
    void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError(db + ": reader failed: " + t, t);
        }
    }

    /** Stops every reader and checks everything they saw; returns a summary for the test's figures. */
    String stop() throws Exception {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        if (!cli.waitFor(30, TimeUnit.SECONDS)) {
            cli.destroyForcibly();
            throw new AssertionError(db + ": sqlite3 reader did not exit");
        }
        check();
        String err = Files.readString(cliErr);
        if (!err.isBlank()) {
            throw new AssertionError(db + ": sqlite3 reader reported errors:\n" + err);
        }
        long seen = 0;
        long answers = 0;
        for (String line : Files.readAllLines(cliOut)) {
            String[] f = line.split("\\|");
            long[] row = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                row[i] = Long.parseLong(f[i]);
            }
            if (row.length != 6) {
                throw new AssertionError(db + ": unexpected sqlite3 output: " + line);
            }
            long k = Ledger.checkInvariant(row, db + " (sqlite3)");
            if (k < seen) {
                throw new AssertionError(db + ": the sqlite3 reader saw transaction " + seen + ", then only " + k);
            }
            seen = k;
            answers++;
        }
        if (answers != cliReads) {
            throw new AssertionError(db + ": sqlite3 answered " + answers + " of " + cliReads + " queries");
        }
        maxSeen.accumulateAndGet(seen, Math::max);
        if (jdbcReads.get() == 0 || answers == 0) {
            throw new AssertionError(db + ": readers did not get to read (" + jdbcReads + " JDBC, " + answers + " sqlite3)");
        }
        return jdbcReads.get() + " JDBC reads, " + answers + " sqlite3 reads, up to transaction " + maxSeen.get();
    }

    @Override
    public void close() {
        running.set(false);
        cli.destroyForcibly();
    }
}

package io.walship.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * The application of the overhead, request and memory benchmarks: one ~{@value #ROW_BYTES}-byte row per
 * transaction into table {@value #TABLE}, on its own connection with the settings an application would use
 * (WAL, synchronous=NORMAL, a busy timeout, SQLite's default automatic checkpoints).
 */
final class CommitLoop {
    static final String TABLE = "app";
    static final int ROW_BYTES = 100;

    private CommitLoop() {
    }

    static void createTable(Statement st) throws SQLException {
        st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
    }

    /** A new database holding only the (empty) application table, in WAL mode. */
    static void createDatabase(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode = wal");
            createTable(st);
        }
    }

    /**
     * Commits for {@code duration} at {@code perSecond} commits/s (0: as fast as it can) and returns how many.
     * A paced loop that falls behind catches up without sleeping.
     */
    static long run(Path db, int perSecond, Duration duration) throws SQLException {
        byte[] payload = new byte[ROW_BYTES];
        SplittableRandom random = new SplittableRandom(db.hashCode());
        long period = perSecond > 0 ? 1_000_000_000L / perSecond : 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                st.execute("PRAGMA synchronous = normal");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " (payload) VALUES (?)")) {
                long start = System.nanoTime();
                long stop = start + duration.toNanos();
                long next = start;
                long commits = 0;
                for (long now = start; now < stop; now = System.nanoTime()) {
                    if (next > now) {
                        LockSupport.parkNanos(Math.min(next, stop) - now);
                        continue;
                    }
                    RowPayload.fill(payload, 0, payload.length, random);
                    insert.setBytes(1, payload);
                    insert.executeUpdate();
                    commits++;
                    next += period;
                }
                return commits;
            }
        }
    }

    /** One loop per database, all at once, {@code perSecond} commits/s each; returns the commits of all. */
    static long runEach(List<Path> dbs, int perSecond, Duration duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(dbs.size());
        try {
            List<Future<Long>> loops = new ArrayList<>();
            for (Path db : dbs) {
                loops.add(pool.submit(() -> run(db, perSecond, duration)));
            }
            long sum = 0;
            for (Future<Long> f : loops) {
                sum += f.get();
            }
            return sum;
        } finally {
            pool.shutdownNow();
        }
    }
}

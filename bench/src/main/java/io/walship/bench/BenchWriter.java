package io.walship.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * The application under test: one ~100-byte row per transaction at a target rate (0: as fast as it can), on its
 * own connection with the usual WAL settings (synchronous=NORMAL; checkpoints left to walship). For every commit
 * made after the warm-up it records when the commit returned and where it ended in the WAL.
 */
final class BenchWriter implements Runnable {
    static final int ROW_BYTES = 100;

    private final Path dbPath;
    private final WalIndexProbe probe;
    private final int commitsPerSecond;
    private final long recordFromNanos;
    private final long stopAtNanos;
    private final LongSeries commitNanos = new LongSeries();
    private final LongSeries salts = new LongSeries();
    private final LongSeries frames = new LongSeries();
    private volatile long totalCommits;
    private volatile Exception failure;

    /** Commits from now until {@code stopAtNanos}, recording those that return from {@code recordFromNanos} on. */
    BenchWriter(Path dbPath, WalIndexProbe probe, int commitsPerSecond, long recordFromNanos, long stopAtNanos) {
        this.dbPath = dbPath;
        this.probe = probe;
        this.commitsPerSecond = commitsPerSecond;
        this.recordFromNanos = recordFromNanos;
        this.stopAtNanos = stopAtNanos;
    }

    static void createSchema(Path dbPath) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbPath); Statement st = c.createStatement()) {
            st.execute("PRAGMA page_size = 4096");
            st.execute("PRAGMA journal_mode = wal");
            st.execute("CREATE TABLE bench (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
        }
    }

    @Override
    public void run() {
        byte[] payload = new byte[ROW_BYTES];
        Random random = new Random(7);
        long period = commitsPerSecond > 0 ? 1_000_000_000L / commitsPerSecond : 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbPath)) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 5000");
                st.execute("PRAGMA synchronous = NORMAL");
                st.execute("PRAGMA wal_autocheckpoint = 0");
            }
            PreparedStatement insert = c.prepareStatement("INSERT INTO bench (payload) VALUES (?)");
            long next = System.nanoTime();
            long n = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= stopAtNanos) {
                    break;
                }
                if (period > 0 && next > now) {
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                random.nextBytes(payload);
                insert.setBytes(1, payload);
                insert.executeUpdate();
                long committed = System.nanoTime();
                WalIndexProbe.WalEnd end = probe.read();
                if (committed >= recordFromNanos) {
                    commitNanos.add(committed);
                    salts.add(end.salt());
                    frames.add(end.mxFrame());
                }
                totalCommits = ++n;
                next += period;
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    long totalCommits() {
        return totalCommits;
    }

    Exception failure() {
        return failure;
    }

    /** Read only after the writer thread ended. */
    LongSeries commitNanos() {
        return commitNanos;
    }

    LongSeries salts() {
        return salts;
    }

    LongSeries frames() {
        return frames;
    }
}

package io.walship.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The demo's application: a steady stream of small order transactions, with updates and deletes mixed in. */
final class DemoWriter implements Runnable {
    private final Path dbPath;
    private final int commitsPerSecond;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong commits = new AtomicLong();
    private volatile Exception failure;

    DemoWriter(Path dbPath, int commitsPerSecond) {
        this.dbPath = dbPath;
        this.commitsPerSecond = commitsPerSecond;
    }

    static void createSchema(Path dbPath) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbPath); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, "
                    + "amount INTEGER NOT NULL, note BLOB, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')))");
        }
    }

    long commits() {
        return commits.get();
    }

    Exception failure() {
        return failure;
    }

    void stop() {
        running.set(false);
    }

    @Override
    public void run() {
        Random random = new Random(42);
        long periodNanos = 1_000_000_000L / commitsPerSecond;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbPath)) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout=5000");
            }
            c.setAutoCommit(false);
            PreparedStatement insert = c.prepareStatement("INSERT INTO orders (customer, amount, note) VALUES (?, ?, randomblob(?))");
            PreparedStatement update = c.prepareStatement("UPDATE orders SET amount = amount + 1 WHERE id = ?");
            PreparedStatement delete = c.prepareStatement("DELETE FROM orders WHERE id = ?");
            long next = System.nanoTime();
            while (running.get()) {
                int rows = 1 + random.nextInt(3);
                for (int i = 0; i < rows; i++) {
                    insert.setString(1, "customer-" + random.nextInt(1000));
                    insert.setInt(2, random.nextInt(10_000));
                    insert.setInt(3, 50 + random.nextInt(400));
                    insert.executeUpdate();
                }
                long n = commits.get();
                if (n > 10 && n % 5 == 0) {
                    update.setLong(1, 1 + random.nextInt((int) n));
                    update.executeUpdate();
                }
                if (n > 10 && n % 17 == 0) {
                    delete.setLong(1, 1 + random.nextInt((int) n));
                    delete.executeUpdate();
                }
                c.commit();
                commits.incrementAndGet();
                next += periodNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        } catch (Exception e) {
            failure = e;
        }
    }
}

package io.walship.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;

/**
 * A mixed application workload, deterministic for a given seed: several tables (rowid, AUTOINCREMENT and
 * WITHOUT ROWID), an index, blobs large enough for overflow pages, inserts, updates, deletes, one transaction
 * larger than walship's checkpoint threshold, and VACUUM. Every method commits what it did.
 */
final class Workload {
    private final Connection c;
    private final Random rnd;
    private long nextItem = 1;

    Workload(Connection c, long seed) {
        this.c = c;
        this.rnd = new Random(seed);
    }

    void createSchema() throws SQLException {
        tx(() -> {
            SqliteFixture.exec(c, "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, price REAL, data BLOB)");
            SqliteFixture.exec(c, "CREATE INDEX IF NOT EXISTS items_name ON items (name)");
            SqliteFixture.exec(c, "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT, ref INTEGER, note TEXT)");
            SqliteFixture.exec(c, "CREATE TABLE IF NOT EXISTS docs (key TEXT PRIMARY KEY, rev INTEGER, body BLOB) WITHOUT ROWID");
        });
    }

    /** One random small transaction. */
    void step() throws SQLException {
        int kind = rnd.nextInt(10);
        tx(() -> {
            switch (kind) {
                case 0, 1, 2, 3 -> insertItems(1 + rnd.nextInt(40), 10 + rnd.nextInt(500));
                case 4, 5 -> updateItems();
                case 6 -> deleteItems();
                case 7, 8 -> upsertDoc(1 + rnd.nextInt(300_000));
                default -> deleteDocs();
            }
            event("step", kind);
        });
    }

    void steps(int n) throws SQLException {
        for (int i = 0; i < n; i++) {
            step();
        }
    }

    /** One transaction of at least {@code bytes} of fresh row data (so at least that many WAL bytes). */
    void bigTransaction(long bytes) throws SQLException {
        tx(() -> {
            long written = 0;
            while (written < bytes) {
                int len = 2000 + rnd.nextInt(30_000);
                insertItems(1, len);
                written += len;
            }
            event("big", (int) (bytes >> 10));
        });
    }

    /** Deletes about half of everything, then VACUUM rewrites (and shrinks) the whole file. */
    void deleteHalfAndVacuum() throws SQLException {
        tx(() -> {
            SqliteFixture.exec(c, "DELETE FROM items WHERE id % 2 = 0");
            SqliteFixture.exec(c, "DELETE FROM docs WHERE rev % 2 = 1");
            event("vacuum", 0);
        });
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try {
            SqliteFixture.exec(c, "VACUUM");
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private void insertItems(int n, int blobLen) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, qty, price, data) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < n; i++) {
                ps.setLong(1, nextItem++);
                ps.setString(2, "item-" + rnd.nextInt(1000));
                ps.setInt(3, rnd.nextInt(100));
                ps.setDouble(4, rnd.nextInt(100_000) / 100.0);
                ps.setBytes(5, bytes(blobLen));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void updateItems() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE items SET qty = qty + ?, name = ? WHERE id % 7 = ?")) {
            ps.setInt(1, 1 + rnd.nextInt(5));
            ps.setString(2, "renamed-" + rnd.nextInt(1000));
            ps.setInt(3, rnd.nextInt(7));
            ps.executeUpdate();
        }
    }

    private void deleteItems() throws SQLException {
        long from = 1 + (long) (rnd.nextDouble() * Math.max(1, nextItem));
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM items WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, from);
            ps.setLong(2, from + rnd.nextInt(30));
            ps.executeUpdate();
        }
    }

    private void upsertDoc(int len) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO docs (key, rev, body) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET rev = rev + 1, body = excluded.body")) {
            ps.setString(1, "doc-" + rnd.nextInt(50));
            ps.setBytes(2, bytes(len));
            ps.executeUpdate();
        }
    }

    private void deleteDocs() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM docs WHERE key >= ? AND key < ?")) {
            int a = rnd.nextInt(50);
            ps.setString(1, "doc-" + a);
            ps.setString(2, "doc-" + (a + 3));
            ps.executeUpdate();
        }
    }

    private void event(String kind, int ref) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (kind, ref, note) VALUES (?, ?, ?)")) {
            ps.setString(1, kind);
            ps.setInt(2, ref);
            ps.setString(3, Long.toHexString(rnd.nextLong()));
            ps.executeUpdate();
        }
    }

    /** Half random, half repeated bytes: LZ4 finds something to compress, but not everything. */
    private byte[] bytes(int len) {
        byte[] b = new byte[len];
        rnd.nextBytes(b);
        for (int i = len / 2; i < len; i++) {
            b[i] = (byte) (i & 0x3f);
        }
        return b;
    }

    private interface Work {
        void run() throws SQLException;
    }

    private void tx(Work w) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            w.run();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}

package io.walship.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A workload whose every state is checkable: transaction {@code t} (1, 2, 3, …) writes one {@code ledger} row,
 * a seed-determined number of {@code ledger_items} blobs (now and then a large batch), moves the {@code head}
 * row to {@code t}, and inserts {@code scratch} row {@code t} while deleting {@code t - SCRATCH}. A database is a
 * committed state of this workload exactly when it holds transactions 1..k, each complete and unaltered, and
 * nothing else.
 */
final class Ledger {
    private static final int SCRATCH = 20;
    private static final int BIG_EVERY = 50;

    private final Connection c;
    private final long seed;
    private volatile long committed;
    private volatile long committing;

    Ledger(Connection c, long seed) {
        this.c = c;
        this.seed = seed;
    }

    void createSchema() throws SQLException {
        SqliteFixture.exec(c, "CREATE TABLE IF NOT EXISTS ledger (id INTEGER PRIMARY KEY, items INTEGER NOT NULL)");
        SqliteFixture.exec(c, "CREATE TABLE IF NOT EXISTS ledger_items (txn INTEGER, n INTEGER, data BLOB, PRIMARY KEY (txn, n)) WITHOUT ROWID");
        SqliteFixture.exec(c, "CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL)");
        SqliteFixture.exec(c, "CREATE TABLE IF NOT EXISTS scratch (id INTEGER PRIMARY KEY, note TEXT)");
    }

    /** The highest transaction known committed (its COMMIT returned). */
    long committed() {
        return committed;
    }

    /**
     * The highest transaction that may be committed: its COMMIT was issued, and others may see it before the call
     * returns. What a reader sees lies between a {@link #committed()} read before and this one read after.
     */
    long committing() {
        return committing;
    }

    /** Commits the next transaction and returns its id. */
    long commitNext() throws SQLException {
        long t = committed + 1;
        c.setAutoCommit(false);
        try {
            int items = itemCount(seed, t);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger (id, items) VALUES (?, ?)")) {
                ps.setLong(1, t);
                ps.setInt(2, items);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_items (txn, n, data) VALUES (?, ?, ?)")) {
                for (int n = 0; n < items; n++) {
                    ps.setLong(1, t);
                    ps.setInt(2, n);
                    ps.setBytes(3, data(seed, t, n));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO head (id, last) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last = excluded.last")) {
                ps.setLong(1, t);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO scratch (id, note) VALUES (?, ?)")) {
                ps.setLong(1, t);
                ps.setString(2, "note-" + t);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM scratch WHERE id = ?")) {
                ps.setLong(1, t - SCRATCH);
                ps.executeUpdate();
            }
            committing = t;
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        committed = t;
        return t;
    }

    /**
     * Checks that a (restored) database is a committed state of this workload and returns its {@code k}.
     */
    static long verifyPrefix(Path db, long seed) throws SQLException {
        try (Connection r = SqliteFixture.open(db)) {
            long k = 0;
            try (Statement st = r.createStatement(); ResultSet rs = st.executeQuery("SELECT id, items FROM ledger ORDER BY id")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    if (id != k + 1) {
                        throw new AssertionError(db + ": ledger has transaction " + id + " after " + k + " (gap or stray row)");
                    }
                    if (rs.getInt(2) != itemCount(seed, id)) {
                        throw new AssertionError(db + ": transaction " + id + " records " + rs.getInt(2) + " items, wrote " + itemCount(seed, id));
                    }
                    k = id;
                }
            }
            checkItems(r, db, seed, k);
            long head = k == 0 ? 0 : SqliteFixture.queryInt(r, "SELECT last FROM head WHERE id = 1");
            if (head != k) {
                throw new AssertionError(db + ": head says " + head + " but the ledger ends at " + k);
            }
            long from = Math.max(1, k - SCRATCH + 1);
            long expectRows = k == 0 ? 0 : k - from + 1;
            long rows = SqliteFixture.queryInt(r, "SELECT count(*) FROM scratch");
            long min = SqliteFixture.queryInt(r, "SELECT coalesce(min(id), 0) FROM scratch");
            long max = SqliteFixture.queryInt(r, "SELECT coalesce(max(id), 0) FROM scratch");
            if (rows != expectRows || (k > 0 && (min != from || max != k))) {
                throw new AssertionError(db + ": scratch holds " + rows + " rows " + min + ".." + max + ", expected " + from + ".." + k);
            }
            String integrity = SqliteFixture.queryString(r, "PRAGMA integrity_check");
            if (!"ok".equals(integrity)) {
                throw new AssertionError(db + ": integrity_check: " + integrity);
            }
            return k;
        }
    }

    /**
     * One statement, hence one read transaction, that sums up a state of this workload: ledger rows, their highest
     * id, the head, scratch rows, the items the ledger announces and the items present.
     */
    static final String INVARIANT_SQL = "SELECT (SELECT count(*) FROM ledger), (SELECT coalesce(max(id), 0) FROM ledger),"
            + " (SELECT coalesce(max(last), 0) FROM head), (SELECT count(*) FROM scratch),"
            + " (SELECT coalesce(sum(items), 0) FROM ledger), (SELECT count(*) FROM ledger_items)";

    /**
     * Checks a row of {@link #INVARIANT_SQL}, which every committed transaction preserves and a partly visible one
     * breaks; returns the state's {@code k}.
     */
    static long checkInvariant(long[] row, String where) {
        long k = row[0];
        boolean ok = row[1] == k && row[2] == k && row[3] == Math.min(k, SCRATCH) && row[4] == row[5];
        if (!ok) {
            throw new AssertionError(where + ": not a committed state: ledger rows " + row[0] + ", max id " + row[1]
                    + ", head " + row[2] + ", scratch rows " + row[3] + ", items announced " + row[4] + ", items present " + row[5]);
        }
        return k;
    }

    /** Runs {@link #INVARIANT_SQL} on {@code c} and checks it; returns the state's {@code k}. */
    static long visibleState(Connection c, String where) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(INVARIANT_SQL)) {
            rs.next();
            long[] row = new long[6];
            for (int i = 0; i < row.length; i++) {
                row[i] = rs.getLong(i + 1);
            }
            return checkInvariant(row, where);
        }
    }

    /**
     * The committed state a reader of {@code db} sees now, through a read-only connection (which never creates the
     * file, and never checkpoints on close as a last read-write connection would).
     */
    static long readOnlyState(Path db, String where) throws SQLException {
        try (Connection c = SqliteFixture.openReadOnly(db)) {
            return visibleState(c, where);
        }
    }

    private static void checkItems(Connection r, Path db, long seed, long k) throws SQLException {
        long txn = 1;
        int n = 0;
        try (Statement st = r.createStatement(); ResultSet rs = st.executeQuery("SELECT txn, n, data FROM ledger_items ORDER BY txn, n")) {
            while (rs.next()) {
                while (txn <= k && n == itemCount(seed, txn)) {
                    txn++;
                    n = 0;
                }
                long t = rs.getLong(1);
                int i = rs.getInt(2);
                if (t != txn || i != n || txn > k) {
                    throw new AssertionError(db + ": ledger_items has (" + t + ", " + i + "), expected (" + txn + ", " + n + ") with k = " + k);
                }
                if (!Arrays.equals(rs.getBytes(3), data(seed, t, i))) {
                    throw new AssertionError(db + ": ledger_items (" + t + ", " + i + ") content differs");
                }
                n++;
            }
        }
        while (txn <= k && n == itemCount(seed, txn)) {
            txn++;
            n = 0;
        }
        if (txn <= k) {
            throw new AssertionError(db + ": ledger_items of transaction " + txn + " incomplete: " + n + " of " + itemCount(seed, txn));
        }
    }

    private static int itemCount(long seed, long t) {
        if (t % BIG_EVERY == 0) {
            return 300; // ~1 MB: pushes the WAL past checkpoint thresholds now and then
        }
        return 1 + new SplittableRandom(seed * 31 + t).nextInt(6);
    }

    private static byte[] data(long seed, long t, int n) {
        SplittableRandom r = new SplittableRandom((seed * 1_000_003L + t) * 4099 + n);
        byte[] b = new byte[100 + r.nextInt(4000)];
        r.nextBytes(b);
        return b;
    }
}

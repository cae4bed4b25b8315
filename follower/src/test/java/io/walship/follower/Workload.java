package io.walship.follower;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A primary workload whose every committed state satisfies invariants a reader can check in one statement:
 * account balances sum to {@link #TOTAL}, the log holds exactly 10 rows per transaction number, and the counter
 * {@code v} grows. It also grows and shrinks the database (big rows, deletes, VACUUM, index churn).
 */
final class Workload {
    static final int ACCOUNTS = 50;
    static final long TOTAL = ACCOUNTS * 1000L;
    /** One statement, hence one read transaction: v, sum of balances, log rows, log groups without 10 rows. */
    static final String QUERY = "SELECT (SELECT v FROM meta), (SELECT sum(bal) FROM acc), (SELECT count(*) FROM log),"
            + " (SELECT count(*) FROM (SELECT v FROM log GROUP BY v HAVING count(*) != 10));";

    private final Random random;

    Workload(long seed) {
        random = new Random(seed);
    }

    static void init(TestPrimary p) throws SQLException {
        List<String> sql = new ArrayList<>(List.of(
                "CREATE TABLE acc(id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)",
                "CREATE TABLE log(id INTEGER PRIMARY KEY, v INTEGER NOT NULL, pad BLOB)",
                "CREATE TABLE meta(v INTEGER NOT NULL)",
                "INSERT INTO meta VALUES (0)"));
        for (int i = 1; i <= ACCOUNTS; i++) {
            sql.add("INSERT INTO acc VALUES (" + i + ", 1000)");
        }
        p.tx(sql.toArray(String[]::new));
    }

    /** Transaction number {@code v} (1, 2, ...); every 40th is followed by a VACUUM. */
    void step(TestPrimary p, int v) throws SQLException {
        List<String> sql = new ArrayList<>();
        sql.add("UPDATE meta SET v = " + v);
        int from = 1 + random.nextInt(ACCOUNTS);
        int to = 1 + random.nextInt(ACCOUNTS);
        int amount = random.nextInt(100);
        sql.add("UPDATE acc SET bal = bal - " + amount + " WHERE id = " + from);
        sql.add("UPDATE acc SET bal = bal + " + amount + " WHERE id = " + to);
        int pad = random.nextInt(10) == 0 ? 3000 : 10 + random.nextInt(300);
        for (int i = 0; i < 10; i++) {
            sql.add("INSERT INTO log(v, pad) VALUES (" + v + ", randomblob(" + pad + "))");
        }
        if (v % 7 == 0) {
            sql.add("DELETE FROM log WHERE v <= " + (v - 5) + " AND v % 3 != 0");
        }
        if (v % 25 == 0) {
            sql.add("CREATE INDEX IF NOT EXISTS log_v ON log(v)");
        } else if (v % 25 == 12) {
            sql.add("DROP INDEX IF EXISTS log_v");
        }
        p.tx(sql.toArray(String[]::new));
        if (v % 40 == 0) {
            p.run("VACUUM");
        }
    }

    /** A reader's view: the invariant row, checked. */
    record View(long v, long sum, long rows, long badGroups) {
        void check() {
            if (sum != TOTAL || rows % 10 != 0 || badGroups != 0) {
                throw new AssertionError("reader saw a state the primary never had: " + this);
            }
        }

        static View parse(String line) {
            String[] f = line.split("\\|");
            return new View(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        }
    }

    static View read(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery(QUERY)) {
            rs.next();
            return new View(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
        }
    }
}

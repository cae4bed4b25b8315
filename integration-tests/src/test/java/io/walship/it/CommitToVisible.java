package io.walship.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Commit-to-visible latency, as an application sees it: the primary's application commits a probe row, and a
 * reader of each follower's database polls until it sees the row. Measured, printed, never asserted against a
 * threshold.
 */
final class CommitToVisible {
    private CommitToVisible() {
    }

    /** Milliseconds per probe for each follower, in the order given. */
    static List<long[]> measure(Connection app, List<Path> followers, int probes, Duration spacing, Duration timeout)
            throws Exception {
        SqliteFixture.exec(app, "CREATE TABLE IF NOT EXISTS lag_probe (id INTEGER PRIMARY KEY, note TEXT)");
        int first = SqliteFixture.queryInt(app, "SELECT coalesce(max(id), 0) FROM lag_probe") + 1;
        List<Connection> readers = new ArrayList<>();
        List<long[]> out = new ArrayList<>();
        try {
            for (Path f : followers) {
                readers.add(SqliteFixture.open(f));
                out.add(new long[probes]);
            }
            for (int p = 0; p < probes; p++) {
                Thread.sleep(spacing.toMillis());
                int id = first + p;
                SqliteFixture.exec(app, "INSERT INTO lag_probe (id, note) VALUES (" + id + ", 'probe')");
                long committed = System.nanoTime();
                long deadline = committed + timeout.toNanos();
                boolean[] seen = new boolean[followers.size()];
                int left = followers.size();
                while (left > 0) {
                    for (int i = 0; i < readers.size(); i++) {
                        if (!seen[i] && sees(readers.get(i), id)) {
                            seen[i] = true;
                            out.get(i)[p] = (System.nanoTime() - committed) / 1_000_000;
                            left--;
                        }
                    }
                    if (left > 0 && System.nanoTime() > deadline) {
                        throw new AssertionError("probe " + id + " not visible on every follower within " + timeout);
                    }
                    Thread.sleep(2);
                }
            }
            return out;
        } finally {
            for (Connection c : readers) {
                c.close();
            }
        }
    }

    /** {@code p50 X ms, p95 Y ms, max Z ms (n probes)}. */
    static String summary(long[] millis) {
        long[] s = millis.clone();
        Arrays.sort(s);
        return "p50 " + s[s.length / 2] + " ms, p95 " + s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.95) - 1)]
                + " ms, max " + s[s.length - 1] + " ms (" + s.length + " probes)";
    }

    private static boolean sees(Connection reader, int id) throws SQLException {
        try (PreparedStatement st = reader.prepareStatement(
                "SELECT count(*) FROM sqlite_master WHERE name = 'lag_probe'")) {
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next() || rs.getInt(1) == 0) {
                    return false;
                }
            }
        }
        try (PreparedStatement st = reader.prepareStatement("SELECT count(*) FROM lag_probe WHERE id = ?")) {
            st.setInt(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }
}

package io.walship.bench;

import io.walship.follower.PositionFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Starting the replication daemons the way an operator would and waiting until they are at work: each has
 * written its first snapshot (both tools log {@code snapshot written} per database and replica), a follower has
 * applied its first snapshot (its position file exists).
 */
final class Daemons {
    static final Duration START_TIMEOUT = Duration.ofMinutes(10);
    private static final String SNAPSHOT_WRITTEN = "snapshot written";

    private Daemons() {
    }

    static ChildProcess litestream(BenchContext ctx, Path config, Path log, int databases) throws Exception {
        ChildProcess p = ctx.litestream().start("litestream replicate", log, "replicate", "-config", config.toString());
        return awaitSnapshots(p, "litestream replicate", databases);
    }

    static ChildProcess walship(BenchContext ctx, Path config, Path log, String extraJavaOpts, int databases)
            throws Exception {
        ChildProcess p = ctx.walship().startWithJavaOpts("walship replicate", log, extraJavaOpts, "replicate", "-config",
                config.toString());
        return awaitSnapshots(p, "walship replicate", databases);
    }

    /**
     * Stops litestream once it has shipped what was written (no WAL segment for three sync intervals): stopped
     * with a large WAL still to copy, v0.3.13 fails its closing checkpoint ("context canceled") and exits 1.
     */
    static void stopLitestream(ChildProcess p, Duration syncInterval) throws Exception {
        p.awaitQuiet("litestream replicate catching up", l -> l.contains("wal segment written"),
                syncInterval.multipliedBy(3), START_TIMEOUT);
        p.stop(START_TIMEOUT);
    }

    private static ChildProcess awaitSnapshots(ChildProcess p, String what, int databases) throws Exception {
        try {
            p.awaitLines(what + " writing its first snapshots", l -> l.contains(SNAPSHOT_WRITTEN), databases, START_TIMEOUT);
            return p;
        } catch (Exception e) {
            p.close();
            throw e;
        }
    }

    /** {@code walship follow} of database {@code name} from a primary on loopback {@code port}. */
    static ChildProcess follower(BenchContext ctx, int port, String name, Path db, Path log, String extraJavaOpts)
            throws Exception {
        Files.createDirectories(db.toAbsolutePath().getParent());
        ChildProcess p = ctx.walship().startWithJavaOpts("walship follow", log, extraJavaOpts, "follow",
                "http://127.0.0.1:" + port + "/" + name, db.toString());
        try {
            Path position = PositionFile.of(db).path();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!Files.exists(position)) {
                p.requireAlive();
                if (System.nanoTime() > deadline) {
                    throw p.failure("applying its first snapshot: not within " + START_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(20);
            }
            return p;
        } catch (Exception e) {
            p.close();
            throw e;
        }
    }

    /** Waits until the follower's copy has as many application rows as the primary (it caught up). */
    static void awaitCaughtUp(ChildProcess follower, Path primary, Path copy) throws Exception {
        long want = appRows(primary);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        long got;
        while ((got = appRows(copy)) != want) {
            follower.requireAlive();
            if (System.nanoTime() > deadline) {
                throw follower.failure("catching up: has " + got + " of " + want + " rows after "
                        + START_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    /** Read-only, so closing the connection can never checkpoint a follower's copy. */
    static long appRows(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout = 10000");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + CommitLoop.TABLE)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A loopback port nobody listens on now, for a primary's stream server. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CPU time the process has used so far, in seconds. */
    static double cpuSeconds(ChildProcess p) {
        return ProcessHandle.of(p.pid()).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9)
                .orElseThrow(() -> new IllegalStateException("no CPU time for " + p.name()));
    }
}

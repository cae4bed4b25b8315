package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.follower.PositionFile;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chain of processes: primary → relay 1 → relay 2 → leaf, each relay a {@code follow -addr} of the one before.
 * Under the mixed stream workload every position file ends equal to the primary's position. Then the middle of the
 * chain fails: relay 1 killed with -9, relay 2 fails over to the primary (its second upstream) and the leaf goes on
 * through it; relay 1 comes back, relay 2 is killed, and the leaf fails over to relay 1. Prints commit-to-visible
 * lags per level.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RelayChainIT {
    private static final long SEED = 777L;
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aChainOfRelaysConvergesAndSurvivesLosingARelay() throws Exception {
        int p0 = WalshipProcess.freePort();
        int p1 = WalshipProcess.freePort();
        int p2 = WalshipProcess.freePort();
        PrimaryHttp primary = new PrimaryHttp("127.0.0.1", p0, "app.db");
        Path r1 = dir.resolve("relay1").resolve("app.db");
        Path r2 = dir.resolve("relay2").resolve("app.db");
        Path leaf = dir.resolve("leaf").resolve("app.db");
        List<RunningProcess> processes = new ArrayList<>();
        try (SqliteFixture app = SqliteFixture.create(dir.resolve("app.db"), 4096)) {
            StreamWorkload work = new StreamWorkload(app.connection(), SEED, 4096, null);
            work.createSchema();
            RunningProcess walship = WalshipProcess.replicateServing(app.path(), WalshipProcess.fileUrl(dir.resolve("replica")), p0);
            processes.add(walship);
            RunningProcess relay1 = relay(p1, url(p0), r1);
            RunningProcess relay2 = relay(p2, url(p1) + "," + url(p0), r2);
            RunningProcess follower = WalshipProcess.follow(url(p2) + "," + url(p1), leaf);
            processes.addAll(List.of(relay1, relay2, follower));
            for (int r = 0; r < 5; r++) {
                work.round(r);
            }
            long chain = converge(primary, List.of(r1, r2, leaf), processes);
            assertSameContent(app, work, r1, r2, leaf);
            Pos at = primary.pos().orElseThrow();
            for (Path f : List.of(r1, r2, leaf)) {
                assertThat(PositionFile.of(f).read()).as(f.toString()).contains(at);
            }
            List<long[]> lag = CommitToVisible.measure(app.connection(), List.of(r1, r2, leaf), 20,
                    Duration.ofMillis(200), CONVERGE);

            relay1.kill();
            processes.remove(relay1);
            for (int r = 5; r < 8; r++) {
                work.round(r);
            }
            long withoutRelay1 = converge(primary, List.of(r2, leaf), processes);
            relay2.awaitLine(l -> l.contains("failing over to " + url(p0)), WalshipProcess.TIMEOUT);
            assertSameContent(app, work, r2, leaf);

            relay1 = relay(p1, url(p0), r1);
            processes.add(relay1);
            converge(primary, List.of(r1), processes);
            relay2.kill();
            processes.remove(relay2);
            for (int r = 8; r < 11; r++) {
                work.round(r);
            }
            long withoutRelay2 = converge(primary, List.of(r1, leaf), processes);
            follower.awaitLine(l -> l.contains("failing over to " + url(p1)), WalshipProcess.TIMEOUT);
            assertSameContent(app, work, r1, leaf);
            Pos end = primary.pos().orElseThrow();
            assertThat(PositionFile.of(leaf).read()).contains(end);
            assertThat(PositionFile.of(r1).read()).contains(end);

            System.out.printf("RelayChainIT: %d ledger transactions; chain converged %d ms after the load; commit to"
                            + " visible: relay 1 %s, relay 2 %s, leaf %s; with relay 1 killed the leaf converged in %d ms"
                            + " (relay 2 on the primary), with relay 2 killed in %d ms (leaf on relay 1)%n",
                    work.ledger().committed(), chain, CommitToVisible.summary(lag.get(0)),
                    CommitToVisible.summary(lag.get(1)), CommitToVisible.summary(lag.get(2)), withoutRelay1,
                    withoutRelay2);
            for (RunningProcess p : List.of(follower, relay1, walship)) {
                ProcessResult stopped = p.terminate(WalshipProcess.TIMEOUT);
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
            }
        } finally {
            processes.forEach(RunningProcess::kill);
        }
    }

    /** {@code follow -addr 127.0.0.1:PORT UPSTREAMS DB}; returns once it serves. */
    private static RunningProcess relay(int port, String upstreams, Path db) {
        RunningProcess p = WalshipProcess.follow(upstreams, db, "-addr", "127.0.0.1:" + port);
        p.awaitLine(l -> l.contains("relaying "), WalshipProcess.TIMEOUT);
        return p;
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port + "/app.db";
    }

    /** Waits until every follower's position file names the primary's position; returns the longest wait. */
    private static long converge(PrimaryHttp primary, List<Path> followers, List<RunningProcess> alive) throws Exception {
        long longest = 0;
        for (Path f : followers) {
            longest = Math.max(longest, Convergence.await(primary, f, CONVERGE, () -> alive.forEach(RunningProcess::assertAlive)));
        }
        return longest;
    }

    private static void assertSameContent(SqliteFixture app, StreamWorkload work, Path... followers) throws Exception {
        for (Path f : followers) {
            DbCompare.assertSameContent(app.connection(), f);
            assertThat(Ledger.verifyPrefix(f, SEED)).isEqualTo(work.ledger().committed());
            DbCompare.assertIntegrityOk(f);
        }
    }
}

package io.walship.follower;

import io.walship.protocol.Pos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The follower in a child JVM, stopped by {@code Runtime.halt} at every step of the apply procedure and by
 * {@code kill -9} at random moments. After every crash: the database shows exactly a committed primary state, the
 * position file never names data that is not visible and never goes back; a restart finishes the feed.
 */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    private Path db;
    private CrashFeed feed;
    private Pos lastPublished;

    private void setUp(int transactions) throws Exception {
        feed = CrashFeed.build(dir.resolve("feed"), transactions);
        db = dir.resolve("follower").resolve("app.db");
    }

    @Test
    void haltAtEveryStepThenResume() throws Exception {
        setUp(120);
        int halted = 0;
        List<String> missed = new ArrayList<>();
        for (ApplyStep step : ApplyStep.values()) {
            for (int occurrence : new int[] {1, 3}) {
                if (step == ApplyStep.BOOTSTRAP_IMAGE_WRITTEN) {
                    resetFollower();
                }
                Run run = runChild(step.name(), occurrence, 0);
                if (run.exit == ApplierChild.HALT_STATUS) {
                    halted++;
                    checkAfterCrash();
                } else {
                    assertThat(run.exit).as(run.output).isZero();
                    missed.add(step + "#" + occurrence);
                    resetFollower();
                }
            }
        }
        Run last = runChild("-", 0, 0);
        assertThat(last.exit).as(last.output).isZero();
        assertFinal();
        System.out.printf("halt test: %d crashes at apply steps; steps not reached in a run: %s%n", halted, missed);
        assertThat(halted).isGreaterThanOrEqualTo(2 * ApplyStep.values().length - 4);
    }

    /**
     * A restart that finds the local WAL empty (after the bootstrap, or after a complete TRUNCATE checkpoint whose
     * new wal-index the journal may not have recorded) and is stopped again before the next apply must still
     * resume exactly: twice in a row, then to the end of the feed.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void restartsOverAnEmptyWalResumeWithoutSnapshot(int checkpoint) throws Exception {
        setUp(40);
        Run crashed = runChild(ApplyStep.CHECKPOINT_DONE.name(), checkpoint, 0);
        assertThat(crashed.exit).as(crashed.output).isEqualTo(ApplierChild.HALT_STATUS);
        assertThat(Files.size(db.resolveSibling(db.getFileName() + "-wal"))).isZero();
        for (int restart = 0; restart < 2; restart++) {
            Run reopened = runChild(ApplyStep.OPENED.name(), 1, 0);
            assertThat(reopened.exit).as(reopened.output).isEqualTo(ApplierChild.HALT_STATUS);
            checkAfterCrash();
        }
        Run last = runChild("-", 0, 0);
        assertThat(last.exit).as(last.output).isZero();
        assertFinal();
    }

    @Test
    void killMinus9AtRandomMomentsThenResume() throws Exception {
        setUp(160);
        Random random = new Random(1234);
        int kills = 0;
        int runs = 0;
        while (kills < 32) {
            Process child = start("-", 0, 2);
            StringBuffer output = waitForReady(child);
            Thread.sleep(random.nextInt(250));
            if (child.isAlive()) {
                child.destroyForcibly();
                kills++;
            }
            child.waitFor(30, TimeUnit.SECONDS);
            if (child.exitValue() != 0 && child.exitValue() != 137) {
                Thread.sleep(100);
                throw new AssertionError("child failed with status " + child.exitValue() + ":\n" + output);
            }
            runs++;
            checkAfterCrash();
            if (runs > 3 * kills + 20) {
                throw new AssertionError("child kept finishing before the kill: " + runs + " runs, " + kills + " kills");
            }
            if (feed.ranges.get(feed.ranges.size() - 1).end().equals(PositionFile.of(db).read().orElse(null))) {
                assertFinal();
                resetFollower();
            }
        }
        Run last = runChild("-", 0, 0);
        assertThat(last.exit).as(last.output).isZero();
        assertFinal();
        System.out.printf("kill test: %d kill -9 in %d runs%n", kills, runs);
    }

    private record Run(int exit, String output) {
    }

    private Process start(String step, int occurrence, long pauseMs) throws IOException {
        String cp = Optional.ofNullable(System.getProperty("surefire.test.class.path"))
                .orElse(System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", cp, "-Xmx256m", ApplierChild.class.getName(), db.toString(),
                feed.dir.toString(), step, String.valueOf(occurrence), String.valueOf(pauseMs))
                .redirectErrorStream(true).start();
    }

    private Run runChild(String step, int occurrence, long pauseMs) throws Exception {
        Process p = start(step, occurrence, pauseMs);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private StringBuffer waitForReady(Process child) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = r.readLine()) != null && !line.equals("READY")) {
            seen.append(line).append('\n');
        }
        if (line == null) {
            throw new AssertionError("child ended before READY:\n" + seen);
        }
        StringBuffer rest = new StringBuffer(seen);
        Thread drain = new Thread(() -> {
            try {
                String l;
                while ((l = r.readLine()) != null) {
                    rest.append(l).append('\n');
                }
            } catch (IOException ignored) {
                // the child was killed
            }
        });
        drain.setDaemon(true);
        drain.start();
        return rest;
    }

    /** The follower is dead: what a reader sees now must be a committed state at or after the position file. */
    private void checkAfterCrash() throws Exception {
        Optional<Pos> published = PositionFile.of(db).read();
        if (published.isPresent()) {
            Pos pos = published.get();
            if (lastPublished != null) {
                assertThat(pos.compareTo(lastPublished)).as("position went back from %s to %s", lastPublished, pos)
                        .isGreaterThanOrEqualTo(0);
            }
            lastPublished = pos;
        }
        if (!Files.exists(db) || Files.size(db) == 0) {
            assertThat(published).as("position file without a database").isEmpty();
            return;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, DbContent.readerProps());
             Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            boolean hasTables;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'meta'")) {
                hasTables = rs.next() && rs.getInt(1) == 1;
            }
            if (!hasTables) {
                assertThat(published).as("position file names data that is not visible").isEmpty();
                c.commit();
                return;
            }
            Workload.View view = Workload.read(st);
            view.check();
            String digest = CrashFeed.digest(DbContent.read(c));
            assertThat(digest).as("content at v=%d is not the primary's", view.v()).isEqualTo(feed.digestByV.get(view.v()));
            if (published.isPresent()) {
                assertThat(view.v()).as("position file %s is ahead of the visible data", published.get())
                        .isGreaterThanOrEqualTo(feed.vAt(published.get()));
            }
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            c.commit();
        }
    }

    private void assertFinal() throws Exception {
        assertThat(PositionFile.of(db).read()).contains(feed.ranges.get(feed.ranges.size() - 1).end());
        assertThat(CrashFeed.digest(DbContent.read(db))).isEqualTo(feed.finalDigest);
        assertThat(DbContent.integrity(db)).isEqualTo("ok");
    }

    /** Starts the follower over from nothing, so later crashes hit the bootstrap and early batches again. */
    private void resetFollower() throws IOException {
        if (!Files.exists(db.getParent())) {
            return;
        }
        try (Stream<Path> files = Files.walk(db.getParent())) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        lastPublished = null;
    }
}

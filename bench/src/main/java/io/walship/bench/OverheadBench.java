package io.walship.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code walship bench overhead}: what replication costs the application. The same application
 * ({@link CommitLoop}, as fast as it can) runs for a fixed time on a fresh database alone, with
 * {@code litestream replicate} (directory replica), and with {@code walship replicate} (directory replica and one
 * {@code walship follow}); the order rotates each round. Commits/s of each, and the CPU the replication
 * processes used meanwhile.
 */
public final class OverheadBench {
    static final String SECTION = "bench overhead";
    private static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);
    private static final String NAME = "app.db";
    private static final Duration WARM_UP = Duration.ofSeconds(3);

    /**
     * @param duration how long the application writes in each phase
     * @param rounds   rounds of the three phases
     */
    public record Settings(Duration duration, int rounds) {
    }

    enum Mode { ALONE, LITESTREAM, WALSHIP }

    record Phase(Mode mode, int round, long commits, double seconds, double replicationCpuSeconds) {
        double rate() {
            return commits / seconds;
        }
    }

    private OverheadBench() {
    }

    public static void run(BenchContext ctx, Settings s) throws Exception {
        ctx.litestream();
        ctx.walship();
        String loadBefore = MachineInfo.load();
        ctx.out().printf(Locale.ROOT, "walship bench overhead: %d rounds of %d s alone, with litestream, with walship%n",
                s.rounds(), s.duration().toSeconds());
        warmUp(ctx, s.duration());
        List<Phase> phases = new ArrayList<>();
        Mode[] modes = Mode.values();
        for (int round = 1; round <= s.rounds(); round++) {
            for (int i = 0; i < modes.length; i++) {
                Mode mode = modes[(i + round - 1) % modes.length];
                Phase p = phase(ctx, mode, round, s.duration());
                ctx.out().printf(Locale.ROOT, "  round %d %s: %.0f commits/s, replication CPU %.1f s%n", round,
                        mode.name().toLowerCase(Locale.ROOT), p.rate(), p.replicationCpuSeconds());
                phases.add(p);
            }
        }
        String report = ReportHeader.of(ctx.machine(), loadBefore, MachineInfo.load())
                + report(phases, s.duration(), ctx.walship().javaOpts());
        ctx.out().println();
        ctx.out().print(report);
        ctx.writeSection(SECTION, report);
    }

    /** The application's code compiled before the first measured phase, so that phase is not the slow one. */
    private static void warmUp(BenchContext ctx, Duration duration) throws Exception {
        Path db = ctx.newDir("overhead-warm-up").resolve(NAME);
        CommitLoop.createDatabase(db);
        CommitLoop.run(db, 0, duration.compareTo(WARM_UP) < 0 ? duration : WARM_UP);
        ctx.discard(db.getParent());
    }

    private static Phase phase(BenchContext ctx, Mode mode, int round, Duration duration) throws Exception {
        Path dir = ctx.newDir("overhead-" + mode.name().toLowerCase(Locale.ROOT) + "-" + round);
        try {
            return phase(ctx, mode, round, duration, dir);
        } finally {
            ctx.discard(dir);
        }
    }

    private static Phase phase(BenchContext ctx, Mode mode, int round, Duration duration, Path dir) throws Exception {
        Path db = dir.resolve(NAME);
        CommitLoop.createDatabase(db);
        String replica = ConfigYaml.fileReplica(dir.resolve("replica"), SYNC_INTERVAL);
        if (mode == Mode.ALONE) {
            return measure(mode, round, db, duration);
        }
        if (mode == Mode.LITESTREAM) {
            Path config = ConfigYaml.write(dir.resolve("litestream.yml"), null, ConfigYaml.database(db, replica));
            try (ChildProcess p = Daemons.litestream(ctx, config, dir.resolve("litestream.log"), 1)) {
                Phase result = measure(mode, round, db, duration, p);
                Daemons.stopLitestream(p, SYNC_INTERVAL);
                return result;
            }
        }
        int port = Daemons.freePort();
        Path config = ConfigYaml.write(dir.resolve("walship.yml"), "127.0.0.1:" + port, ConfigYaml.database(db, replica));
        Path copy = dir.resolve("follower").resolve(NAME);
        try (ChildProcess primary = Daemons.walship(ctx, config, dir.resolve("walship.log"), "", 1);
             ChildProcess follower = Daemons.follower(ctx, port, NAME, copy, dir.resolve("follow.log"), "")) {
            Phase result = measure(mode, round, db, duration, primary, follower);
            Daemons.awaitCaughtUp(follower, db, copy);
            follower.stop(Daemons.START_TIMEOUT);
            primary.stop(Daemons.START_TIMEOUT);
            return result;
        }
    }

    private static Phase measure(Mode mode, int round, Path db, Duration duration, ChildProcess... replication)
            throws Exception {
        double cpuBefore = cpu(replication);
        long start = System.nanoTime();
        long commits = CommitLoop.run(db, 0, duration);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = cpu(replication) - cpuBefore;
        for (ChildProcess p : replication) {
            p.requireAlive();
        }
        return new Phase(mode, round, commits, seconds, cpu);
    }

    private static double cpu(ChildProcess... processes) {
        double sum = 0;
        for (ChildProcess p : processes) {
            sum += Daemons.cpuSeconds(p);
        }
        return sum;
    }

    static String report(List<Phase> phases, Duration duration, String javaOpts) {
        double alone = Figures.median(rates(phases, Mode.ALONE));
        MarkdownTable table = new MarkdownTable("replication", "commits/s (median)", "of alone", "cost",
                "replication CPU, % of a core", "runs commits/s");
        for (Mode mode : Mode.values()) {
            double[] rates = rates(phases, mode);
            double median = Figures.median(rates);
            double cpu = Figures.median(phases.stream().filter(p -> p.mode() == mode)
                    .mapToDouble(p -> 100 * p.replicationCpuSeconds() / p.seconds()).toArray());
            table.row(label(mode), Figures.fixed(median, 0), Figures.fixed(100 * median / alone, 1) + " %",
                    mode == Mode.ALONE ? "—" : Figures.fixed(100 * (1 - median / alone), 1) + " %",
                    mode == Mode.ALONE ? "—" : Figures.fixed(cpu, 0), Figures.all(rates, 0));
        }
        return String.format(Locale.ROOT, "The application: one connection committing one ~%d-byte row per "
                        + "transaction as fast as it can for %d s (WAL, synchronous=NORMAL, SQLite's automatic "
                        + "checkpoints), on a fresh database per phase, %d rounds in rotating order after an unmeasured "
                        + "warm-up. litestream %s and walship replicate to a directory with sync-interval %s; walship "
                        + "also streams to one walship follow on loopback (counted in its CPU). Alone, the application "
                        + "runs SQLite's checkpoints itself; with either tool the tool runs them (its read transaction "
                        + "cuts the application's short), which can make the application faster than alone. walship "
                        + "JVM options: %s.%n%n",
                CommitLoop.ROW_BYTES, duration.toSeconds(), phases.stream().mapToInt(Phase::round).max().orElse(0),
                Litestream.VERSION, ConfigYaml.go(SYNC_INTERVAL), javaOpts.isBlank() ? "(none)" : "`" + javaOpts + "`")
                + table;
    }

    private static String label(Mode mode) {
        return switch (mode) {
            case ALONE -> "none (application alone)";
            case LITESTREAM -> "litestream replicate";
            case WALSHIP -> "walship replicate + 1 follower";
        };
    }

    private static double[] rates(List<Phase> phases, Mode mode) {
        return phases.stream().filter(p -> p.mode() == mode).mapToDouble(Phase::rate).toArray();
    }
}

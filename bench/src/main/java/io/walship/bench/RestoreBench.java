package io.walship.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code walship bench restore}: one replica (a database of {@code dbBytes} plus about {@code walBytes} of WAL
 * segments), written once by {@code litestream replicate} to a directory and to the embedded S3 server at the
 * same time, then restored from each by {@code litestream restore} and {@code walship restore} in alternating
 * order, {@code runs} times; wall time and peak resident memory of each restore process, medians and ratios.
 * Every restored copy is checked against the source's rows.
 */
public final class RestoreBench {
    static final String SECTION = "bench restore";
    private static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(30);

    /**
     * @param dbBytes  size of the database the snapshot holds
     * @param walBytes WAL the workload writes after the snapshot (uploaded as WAL segments)
     * @param runs     restores per tool and replica
     */
    public record Settings(long dbBytes, long walBytes, int runs) {
    }

    enum Tool { LITESTREAM, WALSHIP }

    enum Kind { DIRECTORY, S3 }

    record Run(Kind kind, Tool tool, int run, double seconds, double peakMib) {
    }

    private final BenchContext ctx;
    private final Settings settings;

    private RestoreBench(BenchContext ctx, Settings settings) {
        this.ctx = ctx;
        this.settings = settings;
    }

    public static void run(BenchContext ctx, Settings settings) throws Exception {
        new RestoreBench(ctx, settings).run();
    }

    private void run() throws Exception {
        Litestream litestream = ctx.litestream();
        Walship walship = ctx.walship();
        String loadBefore = MachineInfo.load();
        ctx.out().println("walship bench restore: " + Figures.mib(settings.dbBytes()) + " database plus "
                + Figures.mib(settings.walBytes()) + " of WAL, " + settings.runs() + " runs per tool and replica");
        Path dir = ctx.newDir("restore");
        Path db = ctx.copyOfTestDatabase(settings.dbBytes(), dir.resolve("source/app.db"));
        Path replicaDir = dir.resolve("replica");
        try (S3Target s3 = S3Target.start(dir.resolve("s3"), "bench")) {
            String fileReplica = ConfigYaml.fileReplica(replicaDir, SYNC_INTERVAL);
            String s3Replica = ConfigYaml.s3Replica(s3, "app.db", SYNC_INTERVAL);
            buildReplica(litestream, db, ConfigYaml.write(dir.resolve("build.yml"), null,
                    ConfigYaml.database(db, fileReplica, s3Replica)), dir);
            Fingerprint want = Fingerprint.of(db);
            ReplicaContents contents = ReplicaContents.of(replicaDir);
            ctx.out().println("  replica: " + contents.describe());
            Path[] configs = {
                ConfigYaml.write(dir.resolve("directory.yml"), null, ConfigYaml.database(db, fileReplica)),
                ConfigYaml.write(dir.resolve("s3.yml"), null, ConfigYaml.database(db, s3Replica)),
            };
            warmUp(walship, dir);
            List<Run> runs = new ArrayList<>();
            for (int r = 1; r <= settings.runs(); r++) {
                for (Kind kind : Kind.values()) {
                    Tool[] order = r % 2 == 1 ? Tool.values() : new Tool[] {Tool.WALSHIP, Tool.LITESTREAM};
                    for (Tool tool : order) {
                        Run result = restore(litestream, walship, kind, tool, r, configs[kind.ordinal()], db, dir, want);
                        ctx.out().printf(Locale.ROOT, "  %s %s run %d: %.2f s, peak RSS %.0f MiB%n",
                                kind.name().toLowerCase(Locale.ROOT), tool.name().toLowerCase(Locale.ROOT), r,
                                result.seconds(), result.peakMib());
                        runs.add(result);
                    }
                }
            }
            String report = ReportHeader.of(ctx.machine(), loadBefore, MachineInfo.load())
                    + report(runs, Files.size(db), settings.walBytes(), contents, walship.javaOpts());
            ctx.out().println();
            ctx.out().print(report);
            ctx.writeSection(SECTION, report);
        }
        ctx.discard(dir);
    }

    /** litestream replicate to both replicas: the snapshot, then the WAL workload, until every segment is out. */
    private void buildReplica(Litestream litestream, Path db, Path config, Path dir) throws Exception {
        long t = System.nanoTime();
        try (ChildProcess p = litestream.start("litestream replicate", dir.resolve("build.log"), "replicate", "-config",
                config.toString())) {
            p.awaitLine("litestream replicate writing both snapshots",
                    l -> l.contains("snapshot written") && l.contains("replica=s3"), STEP_TIMEOUT);
            p.awaitLine("litestream replicate writing both snapshots",
                    l -> l.contains("snapshot written") && l.contains("replica=file"), STEP_TIMEOUT);
            TestDatabase.update(db, settings.walBytes(), 11);
            Daemons.stopLitestream(p, SYNC_INTERVAL);
        }
        ctx.out().printf(Locale.ROOT, "  replica written by litestream replicate in %.1f s%n", (System.nanoTime() - t) / 1e9);
    }

    /**
     * One untimed {@code walship version} first: after a build, the launcher's first one-shot command makes the
     * class-data archive every later one maps, a once-per-install cost that no run should carry.
     */
    private static void warmUp(Walship walship, Path dir) throws Exception {
        try (ChildProcess p = walship.start("walship version", dir.resolve("warm-up.log"), "version")) {
            p.awaitSuccess(STEP_TIMEOUT);
        }
    }

    private Run restore(Litestream litestream, Walship walship, Kind kind, Tool tool, int run, Path config, Path db,
                        Path dir, Fingerprint want) throws Exception {
        String label = kind.name().toLowerCase(Locale.ROOT) + "-" + tool.name().toLowerCase(Locale.ROOT) + "-" + run;
        Path out = dir.resolve("restored-" + label + ".db");
        Path log = dir.resolve("restore-" + label + ".log");
        String[] args = {"restore", "-config", config.toString(), "-o", out.toString(), db.toString()};
        long start = System.nanoTime();
        double seconds;
        double peak;
        try (ChildProcess p = tool == Tool.WALSHIP ? walship.start("walship restore", log, args)
                : litestream.start("litestream restore", log, args);
             PeakRss rss = PeakRss.watch(p.pid())) {
            p.awaitSuccess(STEP_TIMEOUT);
            seconds = (System.nanoTime() - start) / 1e9;
            peak = rss.peakMib();
        }
        Fingerprint got = Fingerprint.of(out);
        if (!got.equals(want)) {
            throw new IOException(tool + " restored " + got + " from the " + kind + " replica, the source has " + want);
        }
        if (run == 1) {
            Fingerprint.quickCheck(out);
        }
        deleteDatabase(out);
        return new Run(kind, tool, run, seconds, peak);
    }

    private static void deleteDatabase(Path db) throws IOException {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
        }
    }

    static String report(List<Run> runs, long dbBytes, long walBytes, ReplicaContents contents, String javaOpts) {
        MarkdownTable table = new MarkdownTable("replica", "litestream s (median)", "walship s (median)",
                "walship faster", "litestream peak RSS MiB", "walship peak RSS MiB", "RSS walship / litestream",
                "litestream runs s", "walship runs s");
        for (Kind kind : Kind.values()) {
            double[] ls = seconds(runs, kind, Tool.LITESTREAM);
            double[] ws = seconds(runs, kind, Tool.WALSHIP);
            double lsRss = Figures.median(peaks(runs, kind, Tool.LITESTREAM));
            double wsRss = Figures.median(peaks(runs, kind, Tool.WALSHIP));
            table.row(kind == Kind.S3 ? "S3 (embedded, loopback)" : "directory",
                    Figures.fixed(Figures.median(ls), 2), Figures.fixed(Figures.median(ws), 2),
                    Figures.ratio(Figures.median(ls), Figures.median(ws)), Figures.fixed(lsRss, 0),
                    Figures.fixed(wsRss, 0), Figures.ratio(wsRss, lsRss), Figures.all(ls, 2), Figures.all(ws, 2));
        }
        return String.format(Locale.ROOT, "Replica: a %s database (page size 4096, rows of %d compressible bytes) "
                        + "and then about %s of row updates, written by litestream replicate %s: %s. Restored "
                        + "by each tool with its defaults from a config file, %d alternating runs, wall time of the "
                        + "process (walship's includes JVM start and its integrity_check; one untimed `walship "
                        + "version` before the runs lets the launcher make its class-data archive), peak RSS from VmHWM. "
                        + "walship JVM options: %s. Replica files are in the page cache for every run.%n%n",
                Figures.mib(dbBytes), TestDatabase.PAYLOAD_BYTES, Figures.mib(walBytes), Litestream.VERSION,
                contents.describe(), runs.stream().mapToInt(Run::run).max().orElse(0),
                javaOpts.isBlank() ? "(none)" : "`" + javaOpts + "`")
                + table;
    }

    private static double[] seconds(List<Run> runs, Kind kind, Tool tool) {
        return runs.stream().filter(r -> r.kind() == kind && r.tool() == tool).mapToDouble(Run::seconds).toArray();
    }

    private static double[] peaks(List<Run> runs, Kind kind, Tool tool) {
        return runs.stream().filter(r -> r.kind() == kind && r.tool() == tool).mapToDouble(Run::peakMib).toArray();
    }
}

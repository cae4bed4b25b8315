package io.walship.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code walship bench memory}: what the daemons take while replicating a steady workload, measured from outside
 * (resident set and threads from /proc, heap from jcmd): the primary and a follower of one large database; the
 * primary again with {@code -Xmx64m}, which must still snapshot, replicate and shut down cleanly (checked by a
 * restore); the primary with many small databases in one {@code dir} entry under {@code -Xmx256m}; and litestream
 * replicating the same large database and the same small databases (one entry each, it has no dir entries).
 */
public final class MemoryBench {
    static final String SECTION = "bench memory";
    private static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);
    private static final String NAME = "app.db";
    /** Of the small databases, how many the workload writes to (the others idle, as most tenants do). */
    private static final int BUSY_DATABASES = 10;
    static final String SMALL_HEAP = "-Xmx64m";
    static final String MANY_HEAP = "-Xmx256m";

    /**
     * @param dbBytes   size of the large database
     * @param databases how many small databases
     * @param duration  how long the workload runs before the figures are taken
     * @param rate      the workload's commits/s (spread over {@value #BUSY_DATABASES} of the small databases)
     */
    public record Settings(long dbBytes, int databases, Duration duration, int rate) {
    }

    /** One process's figures; heap figures are NaN for litestream. */
    record Sample(String process, String setup, String jvm, ProcStatus status, double heapMib, double liveHeapMib) {
    }

    private final BenchContext ctx;
    private final Settings settings;
    private final List<Sample> samples = new ArrayList<>();
    private final List<String> checks = new ArrayList<>();

    private MemoryBench(BenchContext ctx, Settings settings) {
        this.ctx = ctx;
        this.settings = settings;
    }

    public static void run(BenchContext ctx, Settings settings) throws Exception {
        new MemoryBench(ctx, settings).run();
    }

    private void run() throws Exception {
        ctx.litestream();
        String loadBefore = MachineInfo.load();
        ctx.out().printf(Locale.ROOT, "walship bench memory: one %s database, %d small databases, %d s of %d commits/s each%n",
                Figures.mib(settings.dbBytes()), settings.databases(), settings.duration().toSeconds(), settings.rate());
        String large = "1 database of " + Figures.mib(settings.dbBytes());
        primaryAndFollower(large);
        smallHeap(large);
        litestreamOne(large);
        String many = settings.databases() + " databases (" + BUSY_DATABASES + " written)";
        List<Path> small = smallDatabases();
        walshipMany(many, small);
        litestreamMany(many, small);
        ctx.discard(small.get(0).getParent().getParent());
        String report = ReportHeader.of(ctx.machine(), loadBefore, MachineInfo.load()) + report();
        ctx.out().println();
        ctx.out().print(report);
        ctx.writeSection(SECTION, report);
    }

    /** A case's own copy of the large database, and a config replicating it to a directory next to it. */
    private record Large(Path dir, Path db, Path config) {
    }

    private Large large(String name, String addr) throws Exception {
        Path dir = ctx.newDir(name);
        Path db = ctx.copyOfTestDatabase(settings.dbBytes(), dir.resolve(NAME));
        Path config = ConfigYaml.write(dir.resolve("config.yml"), addr,
                ConfigYaml.database(db, ConfigYaml.fileReplica(dir.resolve("replica"), SYNC_INTERVAL)));
        return new Large(dir, db, config);
    }

    private void primaryAndFollower(String setup) throws Exception {
        int port = Daemons.freePort();
        Large large = large("memory-primary", "127.0.0.1:" + port);
        Path dir = large.dir();
        Path db = large.db();
        Path config = large.config();
        Path copy = dir.resolve("follower").resolve(NAME);
        try (ChildProcess primary = Daemons.walship(ctx, config, dir.resolve("walship.log"), "", 1);
             ChildProcess follower = Daemons.follower(ctx, port, NAME, copy, dir.resolve("follow.log"), "")) {
            CommitLoop.run(db, settings.rate(), settings.duration());
            Daemons.awaitCaughtUp(follower, db, copy);
            sample("walship replicate (serving 1 follower)", setup, "", primary, dir);
            sample("walship follow", setup, "", follower, dir);
            follower.stop(Daemons.START_TIMEOUT);
            primary.stop(Daemons.START_TIMEOUT);
        }
        ctx.discard(dir);
    }

    /** The Raspberry-Pi-class check: the whole cycle works under a 64 MiB heap, and the replica restores equal. */
    private void smallHeap(String setup) throws Exception {
        Large large = large("memory-small-heap", null);
        Path dir = large.dir();
        Path db = large.db();
        Path config = large.config();
        try (ChildProcess primary = Daemons.walship(ctx, config, dir.resolve("walship.log"), SMALL_HEAP, 1)) {
            long commits = CommitLoop.run(db, settings.rate(), settings.duration());
            sample("walship replicate", setup, SMALL_HEAP, primary, dir);
            primary.stop(Daemons.START_TIMEOUT);
            Path restored = dir.resolve("restored.db");
            try (ChildProcess restore = ctx.walship().start("walship restore", dir.resolve("restore.log"), "restore",
                    "-config", config.toString(), "-o", restored.toString(), db.toString())) {
                restore.awaitSuccess(Daemons.START_TIMEOUT);
            }
            if (!Fingerprint.of(restored).equals(Fingerprint.of(db))) {
                throw new IOException("under " + SMALL_HEAP + " the replica restores to " + Fingerprint.of(restored)
                        + " but the database has " + Fingerprint.of(db));
            }
            checks.add(String.format(Locale.ROOT, "`%s`: walship replicate took the snapshot of the %s database, "
                    + "replicated %d commits, shut down cleanly, and the replica restored equal to the database.",
                    SMALL_HEAP, Figures.mib(Files.size(db)), commits));
        }
        ctx.discard(dir);
    }

    private void litestreamOne(String setup) throws Exception {
        Large large = large("memory-litestream", null);
        try (ChildProcess p = Daemons.litestream(ctx, large.config(), large.dir().resolve("litestream.log"), 1)) {
            CommitLoop.run(large.db(), settings.rate(), settings.duration());
            sample("litestream replicate " + Litestream.VERSION, setup, null, p, large.dir());
            Daemons.stopLitestream(p, SYNC_INTERVAL);
        }
        ctx.discard(large.dir());
    }

    private List<Path> smallDatabases() throws Exception {
        Path dir = ctx.newDir("memory-many").resolve("dbs");
        Files.createDirectories(dir);
        List<Path> dbs = new ArrayList<>();
        for (int i = 0; i < settings.databases(); i++) {
            Path db = dir.resolve(String.format(Locale.ROOT, "tenant-%05d.db", i));
            CommitLoop.createDatabase(db);
            dbs.add(db);
        }
        // One commit each, so every database has data and a first snapshot to take.
        CommitLoop.runEach(dbs.subList(0, Math.min(dbs.size(), BUSY_DATABASES)), 1, Duration.ofMillis(1));
        return dbs;
    }

    private void walshipMany(String setup, List<Path> dbs) throws Exception {
        Path dir = dbs.get(0).getParent().getParent();
        Path config = ConfigYaml.write(dir.resolve("walship.yml"), null,
                ConfigYaml.directory(dbs.get(0).getParent(), dir.resolve("walship-replica")));
        try (ChildProcess p = Daemons.walship(ctx, config, dir.resolve("walship.log"), MANY_HEAP, dbs.size())) {
            runMany(dbs);
            sample("walship replicate (one dir entry)", setup, MANY_HEAP, p, dir);
            p.stop(Daemons.START_TIMEOUT);
        }
    }

    private void litestreamMany(String setup, List<Path> dbs) throws Exception {
        Path dir = dbs.get(0).getParent().getParent();
        String[] entries = new String[dbs.size()];
        for (int i = 0; i < entries.length; i++) {
            Path replica = dir.resolve("litestream-replica").resolve(dbs.get(i).getFileName().toString());
            entries[i] = ConfigYaml.database(dbs.get(i), ConfigYaml.fileReplica(replica, SYNC_INTERVAL));
        }
        Path config = ConfigYaml.write(dir.resolve("litestream.yml"), null, entries);
        try (ChildProcess p = Daemons.litestream(ctx, config, dir.resolve("litestream.log"), dbs.size())) {
            runMany(dbs);
            sample("litestream replicate " + Litestream.VERSION, setup, null, p, dir);
            Daemons.stopLitestream(p, SYNC_INTERVAL);
        }
    }

    private void runMany(List<Path> dbs) throws Exception {
        List<Path> busy = dbs.subList(0, Math.min(dbs.size(), BUSY_DATABASES));
        CommitLoop.runEach(busy, Math.max(1, settings.rate() / busy.size()), settings.duration());
    }

    /** Takes the figures of a running process; {@code jvm} null for litestream (no heap to ask about). */
    private void sample(String process, String setup, String jvm, ChildProcess p, Path logDir) throws Exception {
        p.requireAlive();
        ProcStatus status = ProcStatus.read(p.pid());
        double heap = Double.NaN;
        double live = Double.NaN;
        if (jvm != null) {
            heap = JvmHeap.usedMib(p.pid(), logDir);
            live = JvmHeap.liveMib(p.pid(), logDir);
        }
        String opts = jvm == null ? "—" : (ctx.walship().javaOpts() + " " + jvm).strip();
        ctx.out().printf(Locale.ROOT, "  %s, %s: RSS %.0f MiB (peak %.0f), heap %.0f MiB (live %.0f), %d threads%n",
                process, setup, status.rssMib(), status.peakMib(), heap, live, status.threads());
        samples.add(new Sample(process, setup, opts, status, heap, live));
    }

    private String report() {
        MarkdownTable table = new MarkdownTable("process", "databases", "JVM options", "RSS MiB", "peak RSS MiB",
                "heap in use MiB", "live heap MiB", "threads");
        for (Sample s : samples) {
            table.row(s.process(), s.setup(), s.jvm().equals("—") ? "—" : "`" + s.jvm() + "`",
                    Figures.fixed(s.status().rssMib(), 0), Figures.fixed(s.status().peakMib(), 0),
                    Double.isNaN(s.heapMib()) ? "—" : Figures.fixed(s.heapMib(), 0),
                    Double.isNaN(s.liveHeapMib()) ? "—" : Figures.fixed(s.liveHeapMib(), 0), s.status().threads());
        }
        return String.format(Locale.ROOT, "Each daemon replicates to a directory (sync-interval %s) while an "
                        + "application commits one ~%d-byte row per transaction at %d commits/s for %d s (with many "
                        + "databases: spread over %d of them); then resident set and threads (/proc), heap in use "
                        + "and live heap after a full collection (jcmd) are read. Peak RSS includes the first "
                        + "snapshot.%n%n",
                ConfigYaml.go(SYNC_INTERVAL), CommitLoop.ROW_BYTES, settings.rate(), settings.duration().toSeconds(),
                BUSY_DATABASES)
                + table + "\n" + String.join("\n", checks) + "\n";
    }
}

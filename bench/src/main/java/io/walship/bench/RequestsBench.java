package io.walship.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code walship bench requests}: what replication to S3 costs in requests. Each tool replicates a steady
 * application ({@link CommitLoop} at a fixed rate) to its own embedded S3 server at the same sync interval; the
 * server counts every request by operation over a measured window that starts once the first snapshot is up and
 * the workload is running, and the counts are scaled linearly to one hour.
 */
public final class RequestsBench {
    static final String SECTION = "bench requests";
    private static final String NAME = "app.db";

    /**
     * @param duration     the measured window per tool
     * @param syncInterval both tools' sync-interval
     * @param rate         the application's commits/s
     */
    public record Settings(Duration duration, Duration syncInterval, int rate) {
    }

    /** Request classes as providers bill them. */
    enum Kind { PUT, GET, HEAD, LIST, DELETE, OTHER }

    record Counts(String tool, Map<String, Long> byOperation, double seconds) {
        long of(Kind kind) {
            return byOperation.entrySet().stream().filter(e -> kindOf(e.getKey()) == kind).mapToLong(Map.Entry::getValue).sum();
        }

        long total() {
            return byOperation.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private RequestsBench() {
    }

    static Kind kindOf(String operation) {
        return switch (operation) {
            case "PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload" -> Kind.PUT;
            case "GetObject" -> Kind.GET;
            case "HeadObject" -> Kind.HEAD;
            case "ListObjects", "ListObjectsV2" -> Kind.LIST;
            case "DeleteObject", "DeleteObjects", "AbortMultipartUpload" -> Kind.DELETE;
            default -> Kind.OTHER;
        };
    }

    public static void run(BenchContext ctx, Settings s) throws Exception {
        ctx.litestream();
        ctx.walship();
        String loadBefore = MachineInfo.load();
        ctx.out().printf(Locale.ROOT, "walship bench requests: %d s per tool at %d commits/s, sync-interval %s%n",
                s.duration().toSeconds(), s.rate(), ConfigYaml.go(s.syncInterval()));
        List<Counts> all = new ArrayList<>();
        for (String tool : new String[] {"litestream", "walship"}) {
            Counts c = measure(ctx, tool, s);
            ctx.out().printf(Locale.ROOT, "  %s: %s in %.0f s%n", tool, c.byOperation(), c.seconds());
            all.add(c);
        }
        String report = ReportHeader.of(ctx.machine(), loadBefore, MachineInfo.load()) + report(all, s);
        ctx.out().println();
        ctx.out().print(report);
        ctx.writeSection(SECTION, report);
    }

    private static Counts measure(BenchContext ctx, String tool, Settings s) throws Exception {
        Path dir = ctx.newDir("requests-" + tool);
        Path db = dir.resolve(NAME);
        CommitLoop.createDatabase(db);
        try (S3Target s3 = S3Target.start(dir.resolve("s3"), "bench")) {
            Path config = ConfigYaml.write(dir.resolve(tool + ".yml"), null,
                    ConfigYaml.database(db, ConfigYaml.s3Replica(s3, NAME, s.syncInterval())));
            Path log = dir.resolve(tool + ".log");
            try (ChildProcess p = tool.equals("walship") ? Daemons.walship(ctx, config, log, "", 1)
                    : Daemons.litestream(ctx, config, log, 1)) {
                // Start-up (first snapshot, first segments) is not the steady state: write a few intervals first.
                CommitLoop.run(db, s.rate(), s.syncInterval().multipliedBy(3));
                Map<String, Long> before = s3.requestCounts();
                long start = System.nanoTime();
                CommitLoop.run(db, s.rate(), s.duration());
                Map<String, Long> after = s3.requestCounts();
                double seconds = (System.nanoTime() - start) / 1e9;
                p.requireAlive();
                if (tool.equals("walship")) {
                    p.stop(Daemons.START_TIMEOUT);
                } else {
                    Daemons.stopLitestream(p, s.syncInterval());
                }
                return new Counts(tool, difference(after, before), seconds);
            }
        } finally {
            ctx.discard(dir);
        }
    }

    static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((op, n) -> {
            long d = n - before.getOrDefault(op, 0L);
            if (d > 0) {
                out.put(op, d);
            }
        });
        return out;
    }

    static String report(List<Counts> all, Settings s) {
        MarkdownTable table = new MarkdownTable("tool", "PUT / hour", "GET / hour", "HEAD / hour", "LIST / hour",
                "DELETE / hour", "total / hour", "measured (operation: count)");
        for (Counts c : all) {
            double scale = 3600 / c.seconds();
            List<Object> row = new ArrayList<>();
            row.add(c.tool().equals("walship") ? "walship replicate" : "litestream replicate " + Litestream.VERSION);
            for (Kind k : new Kind[] {Kind.PUT, Kind.GET, Kind.HEAD, Kind.LIST, Kind.DELETE}) {
                row.add(Figures.fixed(c.of(k) * scale, 0));
            }
            row.add(Figures.fixed(c.total() * scale, 0));
            row.add(c.byOperation().isEmpty() ? "none" : c.byOperation().toString().replaceAll("[{}]", "").replace("=", ": "));
            table.row(row.toArray());
        }
        return String.format(Locale.ROOT, "Workload: %d commits/s of one ~%d-byte row each, steadily; both tools "
                        + "replicate to the embedded S3 server (S3Proxy, counting every request it serves by "
                        + "operation) with sync-interval %s and otherwise default settings. Measured over %d s per "
                        + "tool, starting after the first snapshot and 3 sync intervals of the workload, and scaled "
                        + "linearly to one hour. Work done once an hour or less often (retention checks, the deletes "
                        + "they make, snapshots at a snapshot-interval) falls outside the window for both tools.%n%n",
                s.rate(), CommitLoop.ROW_BYTES, ConfigYaml.go(s.syncInterval()), s.duration().toSeconds())
                + table;
    }
}

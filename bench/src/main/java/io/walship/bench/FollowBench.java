package io.walship.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code walship bench follow}: follower lag, capture latency and sustained commit rate for every combination of
 * follower count and write rate, each case {@code runs} times; prints the tables and writes them as the
 * "bench follow" section of the results file.
 */
public final class FollowBench {
    static final String SECTION = "bench follow";

    private FollowBench() {
    }

    /**
     * @param perCase   measured time per case
     * @param warmup    unmeasured writes before each case
     * @param rates     commits/s, 0 meaning as fast as the writer can
     * @param followers follower counts
     * @param runs      runs of each case
     * @param via       where the followers read from
     */
    public record Settings(Duration perCase, Duration warmup, int[] rates, int[] followers, int runs, FollowVia via) {
    }

    public static void run(BenchContext ctx, Settings s) throws Exception {
        PrintStream out = ctx.out();
        String machine = ctx.machine();
        String loadBefore = MachineInfo.load();
        out.println("walship bench follow: " + machine);
        out.printf(Locale.ROOT, "walship bench follow: %d s per case after %d ms warm-up, followers via %s, load"
                + " average %s%n", s.perCase().toSeconds(), s.warmup().toMillis(), s.via().description(), loadBefore);
        List<CaseResult> all = new ArrayList<>();
        for (int f : s.followers()) {
            for (int rate : s.rates()) {
                for (int run = 1; run <= s.runs(); run++) {
                    CaseResult r = new FollowCase(s.via(), f, rate, run, s.perCase(), s.warmup()).run();
                    all.add(r);
                    out.printf(Locale.ROOT, "  followers=%d rate=%s run=%d: %d commits, %.0f/s written, %.0f/s applied, "
                                    + "capture p99 %.2f ms, lag p50 %.2f p99 %.2f max %.2f ms%n",
                            f, r.rateLabel(), run, r.commits(), r.writerRate(), r.appliedRate(),
                            r.capture().p99Millis(), r.lag().p50Millis(), r.lag().p99Millis(), r.lag().maxMillis());
                }
            }
        }
        String report = report(all, s.via(), machine, loadBefore, MachineInfo.load(), s.perCase(), s.warmup());
        out.println();
        out.print(report);
        ctx.writeSection(s.via() == FollowVia.STREAM ? SECTION : SECTION + " via " + s.via().label(), report);
    }

    static String report(List<CaseResult> results, FollowVia via, String machine, String loadBefore,
                         String loadAfter, Duration perCase, Duration warmup) {
        return ReportHeader.of(machine, loadBefore, loadAfter)
                + String.format(Locale.ROOT, "Each case: %.1f s measured after %.1f s warm-up; one ~%d-byte row per "
                        + "commit, synchronous=NORMAL, page size 4096, loopback; followers via %s.%n%n",
                perCase.toMillis() / 1e3, warmup.toMillis() / 1e3, BenchWriter.ROW_BYTES, via.description())
                + "Capture = commit returned → primary's shadow WAL has it. Received = commit returned → the follower "
                + "read the WAL segment holding it off the stream. Lag = commit returned → the follower's "
                + "visible position (position file) covers it, over all followers. Readers-see = commit returned → "
                + "the follower's local transaction holding it committed. Applied commits/s = measured commits over "
                + "the time until the slowest follower had the last one. Catch-up = last commit → the slowest follower "
                + "has it (\"> \": not within 120 s; the figures then cover the commits the followers had).\n\n"
                + FollowTable.figures(results)
                + "\nWhere a follower's apply spends its time (per local transaction; the first column starts at the "
                + "previous apply's end, so it includes waiting for data and receiving it):\n\n"
                + FollowTable.steps(results);
    }
}

package io.walship.bench;

import io.walship.follower.ApplyStep;
import java.util.List;
import java.util.Locale;

/** The {@code bench follow} results as Markdown tables: the figures, then where the follower's applies spend time. */
final class FollowTable {
    private FollowTable() {
    }

    static String figures(List<CaseResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| followers | rate | run | commits | writer commits/s | applied commits/s | capture p50 / p99 / max ms "
                + "| received p50 / p99 ms | lag p50 / p99 / max ms | readers-see p99 ms | catch-up ms | batches/s "
                + "| commits/batch |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|\n");
        for (CaseResult r : results) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %d | %d | %.0f | %.0f | %s | %.2f / %.2f | %s | %.2f | %s%.1f | %.0f | %.1f |%n",
                    r.followers(), r.rateLabel(), r.run(), r.commits(), r.writerRate(), r.appliedRate(),
                    triple(r.capture()), r.received().p50Millis(), r.received().p99Millis(), triple(r.lag()), r.readersSee().p99Millis(), r.caughtUp() ? "" : "> ", r.catchUpMillis(),
                    r.batchesPerSecond(), r.commitsPerBatch()));
        }
        return sb.toString();
    }

    static String steps(List<CaseResult> results) {
        StringBuilder sb = new StringBuilder("| followers | rate | run |");
        StringBuilder rule = new StringBuilder("|---:|---:|---:|");
        for (ApplyStep s : FollowerRecorder.STEPS) {
            sb.append(" → ").append(s.name().toLowerCase(Locale.ROOT)).append(" p50 / p99 ms |");
            rule.append("---|");
        }
        sb.append(" checkpoints (n, p50 ms) |\n");
        rule.append("---|\n");
        sb.append(rule);
        for (CaseResult r : results) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %d |", r.followers(), r.rateLabel(), r.run()));
            for (LatencyStats s : r.steps()) {
                sb.append(String.format(Locale.ROOT, " %.2f / %.2f |", s.p50Millis(), s.p99Millis()));
            }
            sb.append(String.format(Locale.ROOT, " %d, %.1f |%n", r.checkpoints().count(),
                    r.checkpoints().count() == 0 ? 0.0 : r.checkpoints().p50Millis()));
        }
        return sb.toString();
    }

    private static String triple(LatencyStats s) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", s.p50Millis(), s.p99Millis(), s.maxMillis());
    }
}

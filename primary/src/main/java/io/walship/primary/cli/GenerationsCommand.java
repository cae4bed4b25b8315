package io.walship.primary.cli;

import io.walship.primary.config.GoDuration;
import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code walship generations}: each generation of each replica with its time span ({@code start}/{@code end}:
 * oldest and newest object) and how far its newest object lags behind the database.
 */
@Command(name = "generations", mixinStandardHelpOptions = true,
        description = "List the generations of a database's replicas or of a replica URL.")
final class GenerationsCommand implements Callable<Integer> {
    // Go's zero time: what Litestream prints for a generation with no objects.
    private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    @Mixin
    ReplicaSelection selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ReplicaSelection.Resolved resolved = selection.resolve();
        TableWriter table = new TableWriter("name", "generation", "lag", "start", "end");
        int status = ReplicaSelection.forEach(resolved, spec.commandLine().getErr(), (name, client) -> {
            for (String generation : client.generations()) {
                Instant start = null;
                Instant end = null;
                for (SnapshotInfo s : client.snapshots(generation)) {
                    start = min(start, s.createdAt());
                    end = max(end, s.createdAt());
                }
                for (WalSegmentInfo w : client.walSegments(generation)) {
                    start = min(start, w.createdAt());
                    end = max(end, w.createdAt());
                }
                start = start == null ? GO_ZERO_TIME : start;
                end = end == null ? GO_ZERO_TIME : end;
                String lag = GoDuration.format(GoDuration.truncateForLag(GoDuration.between(end, resolved.lagReference())));
                table.row(name, generation, lag, TableWriter.time(start), TableWriter.time(end));
            }
        });
        table.writeTo(spec.commandLine().getOut());
        return status;
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}

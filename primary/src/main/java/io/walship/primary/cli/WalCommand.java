package io.walship.primary.cli;

import io.walship.primary.replica.WalSegmentInfo;
import io.walship.protocol.ReplicaLayout;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walship wal}: every WAL segment, index and offset in decimal, size as stored. */
@Command(name = "wal", mixinStandardHelpOptions = true,
        description = "List the WAL segments of a database's replicas or of a replica URL.")
final class WalCommand implements Callable<Integer> {
    @Mixin
    ReplicaSelection selection;

    @Option(names = {"-generation", "--generation"}, paramLabel = "GENERATION", description = "Only this generation.")
    String generation;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (generation != null && !generation.isEmpty() && !ReplicaLayout.isGeneration(generation)) {
            throw UserException.usage("invalid generation \"" + generation + "\" (expected 16 lowercase hex characters)");
        }
        ReplicaSelection.Resolved resolved = selection.resolve();
        TableWriter table = new TableWriter("replica", "generation", "index", "offset", "size", "created");
        int status = ReplicaSelection.forEach(resolved, spec.commandLine().getErr(), (name, client) -> {
            List<String> generations = generation != null && !generation.isEmpty() ? List.of(generation) : client.generations();
            for (String g : generations) {
                for (WalSegmentInfo w : client.walSegments(g)) {
                    table.row(name, w.generation(), w.index(), w.offset(), w.size(), TableWriter.time(w.createdAt()));
                }
            }
        });
        table.writeTo(spec.commandLine().getOut());
        return status;
    }
}

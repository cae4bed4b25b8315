package io.walship.primary.cli;

import io.walship.primary.replica.SnapshotInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code walship snapshots}: every snapshot of every generation, index in decimal, size as stored. */
@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = "List the snapshots of a database's replicas or of a replica URL.")
final class SnapshotsCommand implements Callable<Integer> {
    @Mixin
    ReplicaSelection selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ReplicaSelection.Resolved resolved = selection.resolve();
        TableWriter table = new TableWriter("replica", "generation", "index", "size", "created");
        int status = ReplicaSelection.forEach(resolved, spec.commandLine().getErr(), (name, client) -> {
            for (String generation : client.generations()) {
                for (SnapshotInfo s : client.snapshots(generation)) {
                    table.row(name, s.generation(), s.index(), s.size(), TableWriter.time(s.createdAt()));
                }
            }
        });
        table.writeTo(spec.commandLine().getOut());
        return status;
    }
}

package io.walship.primary.cli;

import io.walship.primary.config.Config;
import io.walship.primary.config.DbConfig;
import io.walship.primary.replica.ReplicaClients;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code walship databases}: the configured databases and their replicas' names, as Litestream lists them. */
@Command(name = "databases", mixinStandardHelpOptions = true,
        description = "List the databases in the configuration file and their replicas.")
final class DatabasesCommand implements Runnable {
    @Mixin
    ConfigOptions config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Config cfg = config.load();
        TableWriter table = new TableWriter("path", "replicas");
        for (DbConfig db : cfg.dbs()) {
            table.row(db.path(), db.replicas().stream().map(ReplicaClients::displayName).collect(Collectors.joining(",")));
        }
        table.writeTo(spec.commandLine().getOut());
    }
}

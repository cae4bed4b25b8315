package io.walship.primary.cli;

import io.walship.primary.config.Config;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.DirConfig;
import io.walship.primary.config.DirScanner;
import io.walship.primary.replica.ReplicaClients;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code walship databases}: the configured databases and their replicas' names, as Litestream lists them; a
 * {@code dir} entry lists the SQLite files it covers now.
 */
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
        Map<Path, DbConfig> dbs = new LinkedHashMap<>();
        cfg.dbs().forEach(db -> dbs.putIfAbsent(db.path(), db));
        for (DirConfig dir : cfg.dirs()) {
            try {
                DirScanner.scan(dir).stream().filter(db -> DirScanner.isSqlite(db.path()))
                        .forEach(db -> dbs.putIfAbsent(db.path(), db));
            } catch (IOException e) {
                throw new UserException(Main.describe(e), e);
            }
        }
        TableWriter table = new TableWriter("path", "replicas");
        for (DbConfig db : dbs.values()) {
            table.row(db.path(), db.replicas().stream().map(ReplicaClients::displayName).collect(Collectors.joining(",")));
        }
        table.writeTo(spec.commandLine().getOut());
    }
}

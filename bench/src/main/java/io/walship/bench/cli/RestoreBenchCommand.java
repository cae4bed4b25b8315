package io.walship.bench.cli;

import io.walship.bench.BenchContext;
import io.walship.bench.RestoreBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walship bench restore}. */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "litestream restore and walship restore "
        + "of the same replica, from a directory and from S3 on loopback: time and peak memory.")
final class RestoreBenchCommand extends PartCommand {
    @Option(names = {"-db-size", "--db-size"}, paramLabel = "SIZE", defaultValue = "1GiB", converter = ByteSize.class,
            description = "Size of the database in the snapshot (default ${DEFAULT-VALUE}).")
    long dbSize;

    @Option(names = {"-wal-size", "--wal-size"}, paramLabel = "SIZE", defaultValue = "128MiB", converter = ByteSize.class,
            description = "WAL written after the snapshot, restored from WAL segments (default ${DEFAULT-VALUE}).")
    long walSize;

    @Option(names = {"-runs", "--runs"}, paramLabel = "N", defaultValue = "3", converter = PositiveInt.class,
            description = "Restores per tool and replica, alternating (default ${DEFAULT-VALUE}).")
    int runs;

    @Override
    void run(BenchContext ctx) throws Exception {
        RestoreBench.run(ctx, new RestoreBench.Settings(dbSize, walSize, runs));
    }
}

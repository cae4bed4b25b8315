package io.walship.bench.cli;

import io.walship.bench.BenchContext;
import io.walship.bench.MemoryBench;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walship bench memory}. */
@Command(name = "memory", mixinStandardHelpOptions = true, description = "Resident memory, heap and threads of the "
        + "primary and a follower with one large database, under -Xmx64m, and with many small databases; "
        + "litestream's alongside.")
final class MemoryBenchCommand extends PartCommand {
    @Option(names = {"-db-size", "--db-size"}, paramLabel = "SIZE", defaultValue = "1GiB", converter = ByteSize.class,
            description = "Size of the large database (default ${DEFAULT-VALUE}).")
    long dbSize;

    @Option(names = {"-databases", "--databases"}, paramLabel = "N", defaultValue = "1000", converter = PositiveInt.class,
            description = "How many small databases (default ${DEFAULT-VALUE}).")
    int databases;

    @Option(names = {"-duration", "--duration"}, paramLabel = "D", defaultValue = "10s", converter = DurationValue.class,
            description = "How long the workload runs before measuring (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = {"-rate", "--rate"}, paramLabel = "N", defaultValue = "100", converter = PositiveInt.class,
            description = "The workload's commits per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Override
    void run(BenchContext ctx) throws Exception {
        MemoryBench.run(ctx, new MemoryBench.Settings(dbSize, databases, duration, rate));
    }
}

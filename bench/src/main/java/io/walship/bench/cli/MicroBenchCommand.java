package io.walship.bench.cli;

import io.walship.bench.BenchContext;
import io.walship.bench.MicroBench;
import io.walship.primary.cli.UserException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walship bench micro}. */
@Command(name = "micro", mixinStandardHelpOptions = true, description = "JMH: WAL checksum, LZ4 encode/decode, "
        + "stream record decode in bytes/s, next to memcpy measured in the same run.")
final class MicroBenchCommand extends PartCommand {
    @Option(names = {"-forks", "--forks"}, paramLabel = "N", defaultValue = "1",
            description = "JVMs per benchmark; 0 runs them in this JVM (a quick check, not a measurement) "
                    + "(default ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = {"-warmups", "--warmups"}, paramLabel = "N", defaultValue = "3", converter = PositiveInt.class,
            description = "Warm-up iterations (default ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = {"-iterations", "--iterations"}, paramLabel = "N", defaultValue = "5", converter = PositiveInt.class,
            description = "Measured iterations (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = {"-iteration-time", "--iteration-time"}, paramLabel = "D", defaultValue = "1s",
            converter = DurationValue.class, description = "Time per iteration (default ${DEFAULT-VALUE}).")
    Duration iterationTime;

    @Option(names = {"-size", "--size"}, paramLabel = "SIZE", defaultValue = "1MiB", converter = ByteSize.class,
            description = "Buffer each operation works on, at most 4MiB (default ${DEFAULT-VALUE}).")
    long size;

    @Override
    void run(BenchContext ctx) throws Exception {
        if (forks < 0) {
            throw UserException.usage("-forks must be 0 or more");
        }
        if (size < 64 || size > (4 << 20)) {
            throw UserException.usage("-size must be within 64 and 4MiB");
        }
        MicroBench.run(ctx, new MicroBench.Settings(forks, warmups, iterations, iterationTime, (int) size));
    }
}

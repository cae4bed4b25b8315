package io.walship.bench.cli;

import io.walship.bench.BenchContext;
import io.walship.bench.RequestsBench;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walship bench requests}. */
@Command(name = "requests", mixinStandardHelpOptions = true, description = "S3 requests (PUT, GET, LIST, DELETE) "
        + "per hour of a steady workload, litestream and walship at the same sync interval.")
final class RequestsBenchCommand extends PartCommand {
    @Option(names = {"-duration", "--duration"}, paramLabel = "D", defaultValue = "60s", converter = DurationValue.class,
            description = "Measured window per tool, scaled to an hour (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = {"-sync-interval", "--sync-interval"}, paramLabel = "D", defaultValue = "1s",
            converter = DurationValue.class, description = "Both tools' sync-interval (default ${DEFAULT-VALUE}, "
            + "Litestream's default).")
    Duration syncInterval;

    @Option(names = {"-rate", "--rate"}, paramLabel = "N", defaultValue = "10", converter = PositiveInt.class,
            description = "The application's commits per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Override
    void run(BenchContext ctx) throws Exception {
        RequestsBench.run(ctx, new RequestsBench.Settings(duration, syncInterval, rate));
    }
}

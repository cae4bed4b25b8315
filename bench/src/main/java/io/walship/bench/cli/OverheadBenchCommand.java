package io.walship.bench.cli;

import io.walship.bench.BenchContext;
import io.walship.bench.OverheadBench;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walship bench overhead}. */
@Command(name = "overhead", mixinStandardHelpOptions = true, description = "An application committing as fast as "
        + "it can: alone, with litestream replicate, with walship replicate and a follower.")
final class OverheadBenchCommand extends PartCommand {
    @Option(names = {"-duration", "--duration"}, paramLabel = "D", defaultValue = "10s", converter = DurationValue.class,
            description = "How long the application writes in each phase (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = {"-rounds", "--rounds"}, paramLabel = "N", defaultValue = "3", converter = PositiveInt.class,
            description = "Rounds of the three phases, in rotating order (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    void run(BenchContext ctx) throws Exception {
        OverheadBench.run(ctx, new OverheadBench.Settings(duration, rounds));
    }
}

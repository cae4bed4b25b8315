package io.walship.bench.cli;

import io.walship.bench.BenchContext;
import io.walship.bench.FollowBench;
import io.walship.bench.FollowVia;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code walship bench follow}: follower lag, capture latency and sustained commits/s on loopback. */
@Command(name = "follow", mixinStandardHelpOptions = true, description = "Follower lag, capture latency and sustained "
        + "commits/s: a primary and N followers in one process on loopback, a writer at each rate.")
final class FollowBenchCommand extends PartCommand {
    @Option(names = {"-duration-per-case", "--duration-per-case"}, paramLabel = "D", defaultValue = "10s",
            converter = DurationValue.class, description = "Measured time per case (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = {"-warmup", "--warmup"}, paramLabel = "D", defaultValue = "1s", converter = DurationValue.class,
            description = "Unmeasured writes before each case (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = {"-rates", "--rates"}, paramLabel = "R,...", defaultValue = "100,1000,max", split = ",",
            converter = Rate.class,
            description = "Commits per second, or max for as fast as possible (default ${DEFAULT-VALUE}).")
    int[] rates;

    @Option(names = {"-followers", "--followers"}, paramLabel = "N,...", defaultValue = "1,10", split = ",",
            converter = PositiveInt.class, description = "Follower counts (default ${DEFAULT-VALUE}; 1,10,100 adds the "
            + "100-follower cases, several minutes more on 2 cores).")
    int[] followers;

    @Option(names = {"-runs", "--runs"}, paramLabel = "N", defaultValue = "1", converter = PositiveInt.class,
            description = "Runs of each case; use 2 or more on a shared machine (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = {"-via", "--via"}, paramLabel = "stream|archive|relays", defaultValue = "stream",
            converter = Via.class, description = "Where the followers read from: the primary's stream, only its archive"
            + " (sync-interval 1s, polled every 1s), or the end of a chain of two relays (default ${DEFAULT-VALUE}).")
    FollowVia via;

    @Override
    void run(BenchContext ctx) throws Exception {
        FollowBench.run(ctx, new FollowBench.Settings(duration, warmup, rates, followers, runs, via));
    }

    /** {@code stream}, {@code archive} or {@code relays}. */
    static final class Via implements ITypeConverter<FollowVia> {
        @Override
        public FollowVia convert(String value) {
            try {
                return FollowVia.parse(value.strip());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "': " + e.getMessage());
            }
        }
    }

    /** A commit rate: a positive number, or {@code max} (as 0) for as fast as the writer can. */
    static final class Rate extends PositiveInt {
        @Override
        public Integer convert(String value) {
            if (value.strip().equals("max")) {
                return 0;
            }
            try {
                return super.convert(value);
            } catch (TypeConversionException e) {
                throw new TypeConversionException("'" + value + "' is not a rate such as 100 or max");
            }
        }
    }
}

package io.walship.primary.cli;

import io.walship.primary.config.ConfigException;
import io.walship.primary.config.GoDuration;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walship bench follow}: follower lag, capture latency and sustained commits/s on loopback. */
@Command(name = "follow", mixinStandardHelpOptions = true, description = "Follower lag, capture latency and sustained "
        + "commits/s: a primary and N followers in one process on loopback, a writer at each rate.")
final class BenchFollowCommand implements Callable<Integer> {
    private static final String BENCH_CLASS = "io.walship.bench.FollowBench";

    @Option(names = {"-duration-per-case", "--duration-per-case"}, paramLabel = "D", defaultValue = "10s",
            description = "Measured time per case (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = {"-warmup", "--warmup"}, paramLabel = "D", defaultValue = "1s",
            description = "Unmeasured writes before each case (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = {"-rates", "--rates"}, paramLabel = "R,...", defaultValue = "100,1000,max",
            description = "Commits per second, or max for as fast as possible (default ${DEFAULT-VALUE}).")
    String rates;

    @Option(names = {"-followers", "--followers"}, paramLabel = "N,...", defaultValue = "1,10",
            description = "Follower counts (default ${DEFAULT-VALUE}).")
    String followers;

    @Option(names = {"-runs", "--runs"}, paramLabel = "N", defaultValue = "1",
            description = "Runs of each case; use 2 or more on a shared machine (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = {"-results", "--results"}, paramLabel = "FILE", defaultValue = "bench-results.md",
            description = "Markdown file whose 'bench follow' section is rewritten (default ${DEFAULT-VALUE}).")
    Path results;

    @Override
    public Integer call() throws Exception {
        Duration perCase = duration("-duration-per-case", duration);
        Duration warm = duration("-warmup", warmup);
        if (perCase.isZero()) {
            throw UserException.usage("-duration-per-case must be longer than 0");
        }
        int[] rateList = list("-rates", rates, true);
        int[] followerList = list("-followers", followers, false);
        if (runs < 1) {
            throw UserException.usage("-runs must be at least 1");
        }
        Method run;
        try {
            run = Class.forName(BENCH_CLASS).getMethod("run", Duration.class, Duration.class, int[].class, int[].class,
                    int.class, Path.class, PrintStream.class);
        } catch (ClassNotFoundException e) {
            throw new UserException("the benchmarks are not on the classpath; run them as bin/walship bench from a build");
        }
        try {
            return (Integer) run.invoke(null, perCase, warm, rateList, followerList, runs, results, System.out);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private static Duration duration(String option, String text) {
        try {
            Duration d = GoDuration.parse(text);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (ConfigException | IllegalArgumentException e) {
            throw UserException.usage("invalid " + option + " \"" + text + "\": expected a duration such as 10s or 500ms");
        }
    }

    /** Comma-separated positive integers; {@code max} (as 0) where allowed. */
    private static int[] list(String option, String text, boolean maxAllowed) {
        String[] parts = text.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            try {
                out[i] = maxAllowed && p.equals("max") ? 0 : Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw UserException.usage("invalid " + option + " \"" + text + "\": expected a list such as "
                        + (maxAllowed ? "100,1000,max" : "1,10"));
            }
            if (p.startsWith("-") || out[i] == 0 && !p.equals("max")) {
                throw UserException.usage("invalid " + option + " \"" + text + "\": values must be positive");
            }
        }
        return out;
    }
}

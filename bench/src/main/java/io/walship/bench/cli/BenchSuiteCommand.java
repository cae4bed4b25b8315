package io.walship.bench.cli;

import io.walship.bench.BenchContext;
import io.walship.primary.cli.UserException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code walship bench}: without a part, every part with its default sizes, one after the other; a part that
 * fails is reported and the others still run, and the exit status is then 1. Takes the place of the CLI's stub
 * when this module is on the classpath (only {@code bin/walship bench} puts it there).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks against litestream v0.3.13 and of walship alone; without a part, all of them "
                + "with default sizes (under 20 minutes on 2 cores). Each part prints its table and rewrites its "
                + "section of the results file.",
        subcommands = {RestoreBenchCommand.class, OverheadBenchCommand.class, RequestsBenchCommand.class,
            MemoryBenchCommand.class, FollowBenchCommand.class, MicroBenchCommand.class})
public final class BenchSuiteCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> failed = new ArrayList<>();
        Map<String, CommandLine> parts = spec.subcommands();
        try (BenchContext ctx = common.open()) {
            ctx.requireTools();
            for (Map.Entry<String, CommandLine> part : parts.entrySet()) {
                try {
                    withDefaults(part.getValue()).run(ctx);
                } catch (Exception e) {
                    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    System.err.println("walship: bench " + part.getKey() + " failed: " + why);
                    failed.add(part.getKey());
                }
            }
        }
        if (!failed.isEmpty()) {
            throw new UserException("bench: " + failed.size() + " of " + parts.size() + " parts failed: "
                    + String.join(", ", failed));
        }
        return 0;
    }

    /** A new instance of a part's command with its declared defaults (parsed alone, outside this hierarchy). */
    static PartCommand withDefaults(CommandLine part) {
        CommandLine alone = new CommandLine(part.getCommand().getClass());
        alone.parseArgs();
        return alone.getCommand();
    }
}

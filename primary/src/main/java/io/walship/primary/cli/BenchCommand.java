package io.walship.primary.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code walship bench SUITE}. The benchmarks live in their own module, which the launcher puts on the classpath
 * only for this command, so neither they nor their tooling end up in the daemon's jar.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark suites (run from a build).",
        subcommands = {BenchFollowCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing suite (follow)");
    }
}

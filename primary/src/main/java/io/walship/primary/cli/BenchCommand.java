package io.walship.primary.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code walship bench}. The benchmarks live in their own module, which the launcher puts on the classpath only
 * for this command, so neither they nor their tooling end up in the daemon's jar. When that module is there its
 * command takes this one's place (with its suites and options); this stub only says it is missing.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark suites (run from a build).")
final class BenchCommand implements Runnable {
    static final String SUITE_COMMAND = "io.walship.bench.cli.BenchSuiteCommand";

    @CommandLine.Unmatched
    List<String> suiteArguments;

    @Override
    public void run() {
        throw new UserException("the benchmarks are not on the classpath; run them as bin/walship bench from a build");
    }

    /** Puts the bench module's command in place of this stub if the module is on the classpath. */
    static void install(CommandLine root) {
        Object suite;
        try {
            suite = Class.forName(SUITE_COMMAND).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            return;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + SUITE_COMMAND, e);
        }
        root.getCommandSpec().removeSubcommand("bench");
        root.addSubcommand("bench", new CommandLine(suite));
    }
}

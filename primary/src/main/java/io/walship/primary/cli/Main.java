package io.walship.primary.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.walship.primary.config.ConfigException;
import io.walship.primary.logging.LogFormat;
import io.walship.protocol.MessageText;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code walship} command line. Exit status: 0 ok, 1 runtime error, 2 usage error (interface.md). */
@Command(name = "walship",
        description = "SQLite WAL replication: Litestream v0.3-compatible archive and live read replicas.",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        subcommands = {
            VersionCommand.class,
            ReplicateCommand.class,
            DatabasesCommand.class,
            GenerationsCommand.class,
            SnapshotsCommand.class,
            WalCommand.class,
            RestoreCommand.class,
            FollowCommand.class,
            DemoCommand.class,
            BenchCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Read before parsing (see {@link #isDebug}); declared so every command accepts it. */
    @CommandLine.Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Debug logging and stack traces on errors (also WALSHIP_DEBUG=1).")
    boolean verbose;

    /** Read before parsing too (see {@link LogFormat#select}); declared so every command accepts it. */
    @CommandLine.Option(names = {"-log-format", "--log-format"}, scope = CommandLine.ScopeType.INHERIT,
            paramLabel = "FORMAT", description = "Log lines as text (default), logfmt or json (also WALSHIP_LOG_FORMAT).")
    String logFormat;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit status, for tests and embedding. */
    public static int run(String... args) {
        try {
            LogFormat.select(args, System.getenv("WALSHIP_LOG_FORMAT")).install();
        } catch (IllegalArgumentException e) {
            System.err.println("walship: " + e.getMessage());
            return 2;
        }
        boolean debug = isDebug(args);
        if (debug) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
        }
        CommandLine cl = new CommandLine(new Main());
        BenchCommand.install(cl);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // One line, as interface.md promises for every error; the usage hint rides along.
            err.println("walship: " + ex.getMessage() + " (see 'walship " + commandPath(ex.getCommandLine()) + "-h')");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter err = c.getErr();
            if (ex instanceof UserException u) {
                err.println("walship: " + u.getMessage());
                if (debug && u.getCause() != null) {
                    u.getCause().printStackTrace(err);
                }
                return u.usage() ? 2 : 1;
            }
            if (ex instanceof ConfigException) {
                // A config file or replica URL the user must fix: a usage error, never a stack trace.
                err.println("walship: " + ex.getMessage());
                return 2;
            }
            err.println("walship: " + describe(ex));
            if (debug) {
                ex.printStackTrace(err);
            }
            return 1;
        });
        return cl.execute(args);
    }

    private static boolean isDebug(String[] args) {
        if ("1".equals(System.getenv("WALSHIP_DEBUG"))) {
            return true;
        }
        for (String a : args) {
            if (a.equals("-v") || a.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = cl; c.getParent() != null; c = c.getParent()) {
            sb.insert(0, c.getCommandName() + " ");
        }
        return sb.toString();
    }

    /** One line for an unexpected exception: its message, or its type when it has none. */
    static String describe(Throwable ex) {
        return MessageText.describe(ex);
    }
}

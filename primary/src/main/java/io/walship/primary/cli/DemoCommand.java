package io.walship.primary.cli;

import io.walship.primary.config.ConfigException;
import io.walship.primary.config.GoDuration;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code walship demo [-duration D]}. The demo and its embedded S3 server live in their own module, which the
 * launcher puts on the classpath only for this command, so the daemon's jar stays small.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "One-command demo: embedded S3 on loopback, a primary under a steady writer, "
        + "a status line per second, and a restore checked equal at the end.")
final class DemoCommand implements Callable<Integer> {
    private static final String DEMO_CLASS = "io.walship.demo.Demo";

    @Option(names = {"-duration", "--duration"}, paramLabel = "D", description = "Stop after this long (e.g. 10s); default: until Ctrl-C.")
    String duration;

    @Override
    public Integer call() throws Exception {
        Duration d = null;
        if (duration != null) {
            try {
                d = GoDuration.parse(duration);
            } catch (ConfigException | IllegalArgumentException e) {
                throw UserException.usage("invalid -duration \"" + duration + "\": expected a duration such as 10s or 1m");
            }
        }
        Method run;
        try {
            run = Class.forName(DEMO_CLASS).getMethod("run", Duration.class, PrintStream.class);
        } catch (ClassNotFoundException e) {
            throw new UserException("the demo is not on the classpath; run it as bin/walship demo from a build");
        }
        try {
            return (Integer) run.invoke(null, d, System.out);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}

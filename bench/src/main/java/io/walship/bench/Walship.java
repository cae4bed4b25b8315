package io.walship.bench;

import io.walship.primary.cli.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * walship as a user runs it: the build's launcher {@code bin/walship}, which execs the JVM (so the process the
 * suite measures is walship itself), with the JVM options the suite was given plus any a benchmark adds.
 */
final class Walship {
    private final Path launcher;
    private final String javaOpts;

    private Walship(Path launcher, String javaOpts) {
        this.launcher = launcher;
        this.javaOpts = javaOpts;
    }

    static Walship locate(String javaOpts) {
        Path home = RepoHome.locate();
        if (!Files.isRegularFile(home.resolve("primary/target/walship.jar"))) {
            throw new UserException("walship is not built at " + home + ": run ./mvnw -q -DskipTests package");
        }
        return new Walship(home.resolve("bin/walship"), javaOpts);
    }

    String javaOpts() {
        return javaOpts;
    }

    /** With {@code extraJavaOpts} after the suite's JVM options (later options win, e.g. another -Xmx). */
    ChildProcess startWithJavaOpts(String name, Path log, String extraJavaOpts, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        String opts = (javaOpts + " " + extraJavaOpts).strip();
        return ChildProcess.start(name, cmd, Map.of("WALSHIP_JAVA_OPTS", opts), log);
    }

    ChildProcess start(String name, Path log, String... args) throws IOException {
        return startWithJavaOpts(name, log, "", args);
    }
}

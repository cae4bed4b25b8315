package io.walship.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the built CLI through the committed launcher {@code bin/walship}, as a user would, in its own OS
 * process. The launcher {@code exec}s the JVM, so SIGTERM and SIGKILL reach walship itself.
 */
final class WalshipProcess {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private WalshipProcess() {
    }

    static Path launcher() {
        Path root = RepoRoot.get();
        if (!Files.isRegularFile(root.resolve("primary/target/walship.jar"))) {
            fail("primary/target/walship.jar is missing: run ./mvnw -DskipTests package (./mvnw verify builds it first)");
        }
        return root.resolve("bin/walship");
    }

    static RunningProcess start(String... args) {
        return start(Map.of(), args);
    }

    /** With {@code env} added to the environment (e.g. what a config file's $VARs expand to). */
    static RunningProcess start(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        return RunningProcess.start(cmd, withJavaOpts(env), null);
    }

    static ProcessResult run(String... args) {
        return start(args).await(TIMEOUT);
    }

    static ProcessResult run(Map<String, String> env, String... args) {
        return start(env, args).await(TIMEOUT);
    }

    /** {@code env} plus the JVM options walship's processes run with in the tests. */
    static Map<String, String> withJavaOpts(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        // Serial GC: two shared cores, many daemons come and go in the kill -9 test.
        all.putIfAbsent("WALSHIP_JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC");
        return all;
    }

    /** {@code walship replicate DB URL}; returns once it is capturing and archiving. */
    static RunningProcess replicate(Path db, String replicaUrl) {
        RunningProcess p = start("replicate", db.toString(), replicaUrl);
        p.awaitLine(l -> l.contains("msg=\"replicating "), TIMEOUT);
        return p;
    }

    /** {@code walship replicate -addr 127.0.0.1:PORT DB URL}; returns once it also serves followers. */
    static RunningProcess replicateServing(Path db, String replicaUrl, int port) {
        RunningProcess p = start("replicate", "-addr", "127.0.0.1:" + port, db.toString(), replicaUrl);
        p.awaitLine(l -> l.contains("serving followers on"), TIMEOUT);
        return p;
    }

    /** {@code walship replicate -config FILE} of a config with {@code addr}; returns once it serves followers. */
    static RunningProcess replicateConfig(Path config) {
        RunningProcess p = start("replicate", "-config", config.toString());
        p.awaitLine(l -> l.contains("serving followers on"), TIMEOUT);
        return p;
    }

    /** {@code walship follow [extra flags] PRIMARY_URL DB}; does not wait (the first snapshot shows as the position file). */
    static RunningProcess follow(String primaryUrl, Path db, String... flags) {
        List<String> args = new ArrayList<>();
        args.add("follow");
        args.addAll(List.of(flags));
        args.add(primaryUrl);
        args.add(db.toString());
        return start(args.toArray(String[]::new));
    }

    /** A loopback port nobody listens on right now, so a primary can be restarted on the same one. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fileUrl(Path dir) {
        return "file://" + dir.toAbsolutePath();
    }
}

package io.walship.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A child process whose stdout and stderr go to files under {@code integration-tests/target/process-logs}, so a
 * test can wait for a log line, show everything the process said when something fails, and keep it for a
 * post-mortem. Files rather than pipes: the JDK closes a pipe under a concurrent reader when the process exits
 * and the last lines (e.g. a shutdown log) are lost.
 */
final class RunningProcess implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String command;
    private final Process process;
    private final Path out;
    private final Path err;

    private RunningProcess(String command, Process process, Path out, Path err) {
        this.command = command;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static RunningProcess start(List<String> cmd, Map<String, String> env, Path dir) {
        try {
            Path logs = Files.createDirectories(RepoRoot.get().resolve("integration-tests/target/process-logs"));
            String name = String.format("%04d-%d-%s", COUNTER.incrementAndGet(), ProcessHandle.current().pid(),
                    fileNamePart(cmd.get(0)) + (cmd.size() > 1 ? "-" + fileNamePart(cmd.get(1)) : ""));
            Path out = logs.resolve(name + ".out");
            Path err = logs.resolve(name + ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            return new RunningProcess(String.join(" ", cmd), pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /** The last path component of an argument, safe in a file name. */
    private static String fileNamePart(String arg) {
        return arg.substring(arg.lastIndexOf('/') + 1).replaceAll("[^\\w.-]", "_");
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    /** How many lines of either stream contain {@code text} so far. */
    int countLines(String text) {
        return (int) (stdout() + stderr()).lines().filter(l -> l.contains(text)).count();
    }

    /** Fails, with everything the process said, if it has exited. */
    void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("process exited early\n" + describe());
        }
    }

    /** Waits until a line of either stream matches; fails (with the output) on timeout or early exit. */
    String awaitLine(Predicate<String> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean alive = process.isAlive();
            for (String text : List.of(stdout(), stderr())) {
                for (String line : text.lines().toList()) {
                    if (match.test(line)) {
                        return line;
                    }
                }
            }
            if (!alive) {
                throw new AssertionError("process exited " + process.exitValue() + " before the awaited line\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("awaited line not seen within " + timeout + "\n" + describe());
            }
            sleep(20);
        }
    }

    /** SIGTERM, then waits for the exit; a process that hangs is killed and the test fails. */
    ProcessResult terminate(Duration timeout) {
        process.destroy();
        return await(timeout);
    }

    /** Waits for the process to exit on its own. */
    ProcessResult await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("process did not exit within " + timeout + "\n" + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return new ProcessResult(command, process.exitValue(), stdout(), stderr());
    }

    /** kill -9: no shutdown hook, no final sync. */
    void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String describe() {
        return command + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
                + "\n--- stdout\n" + stdout() + "--- stderr\n" + stderr();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}

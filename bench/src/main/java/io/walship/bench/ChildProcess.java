package io.walship.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A program the suite runs (litestream, walship): its output, stdout and stderr merged, goes to a log file and a
 * short tail kept for error messages, and can be waited on line by line.
 */
final class ChildProcess implements AutoCloseable {
    private static final int TAIL_LINES = 20;

    private final String name;
    private final Process process;
    private final Thread pump;
    private final List<String> lines = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();

    private ChildProcess(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        this.pump = new Thread(() -> pump(w), "bench-output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code command} with {@code env} added to this process's environment, output to {@code log}. */
    static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Files.createDirectories(log.toAbsolutePath().getParent());
        return new ChildProcess(name, pb.start(), log);
    }

    private void pump(Writer log) {
        try (log; BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.write(line);
                log.write('\n');
                log.flush();
                synchronized (this) {
                    lines.add(line);
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process went away; what it wrote is in the log
        } finally {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for an output line matching {@code wanted}; fails if the process ends first or time runs out. */
    void awaitLine(String what, Predicate<String> wanted, Duration timeout) throws IOException, InterruptedException {
        awaitLines(what, wanted, 1, timeout);
    }

    /** Waits until {@code n} output lines matched {@code wanted}. */
    void awaitLines(String what, Predicate<String> wanted, int n, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        int matched = 0;
        synchronized (this) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (wanted.test(lines.get(seen)) && ++matched == n) {
                        return;
                    }
                }
                if (!pump.isAlive()) {
                    throw failure(what + ": it exited" + exitText());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure(what + ": not within " + timeout.toSeconds() + " s (" + matched + " of " + n + ")");
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    /** Lines so far that match {@code wanted}. */
    synchronized int count(Predicate<String> wanted) {
        return (int) lines.stream().filter(wanted).count();
    }

    /**
     * Waits until {@code quiet} passes without a new line matching {@code activity}: the program has finished
     * working through what it was given (e.g. no more uploads after the writes stopped).
     */
    void awaitQuiet(String what, Predicate<String> activity, Duration quiet, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int before = count(activity);
        while (true) {
            Thread.sleep(quiet.toMillis());
            requireAlive();
            int now = count(activity);
            if (now == before) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw failure(what + ": still busy after " + timeout.toSeconds() + " s");
            }
            before = now;
        }
    }

    /** Waits for the process to end by itself and returns its exit status. */
    int await(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw failure("did not finish within " + timeout.toSeconds() + " s");
        }
        pump.join(TimeUnit.SECONDS.toMillis(5));
        return process.exitValue();
    }

    /** Runs to the end and fails unless the exit status is 0. */
    void awaitSuccess(Duration timeout) throws IOException, InterruptedException {
        int status = await(timeout);
        if (status != 0) {
            throw failure("exited with status " + status);
        }
    }

    /** SIGTERM (the graceful stop of both tools: a final sync), then the exit status, which must be 0. */
    void stop(Duration timeout) throws IOException, InterruptedException {
        // Not Process.destroy(): it also closes our end of the output pipe, and the program's shutdown log line
        // then kills it with SIGPIPE.
        process.toHandle().destroy();
        awaitSuccess(timeout);
    }

    /** Fails now if the process already ended. */
    void requireAlive() throws IOException {
        if (!process.isAlive()) {
            throw failure("ended early" + exitText());
        }
    }

    private String exitText() {
        return process.isAlive() ? "" : " with status " + process.exitValue();
    }

    IOException failure(String what) {
        String last;
        synchronized (this) {
            last = String.join(" | ", tail);
        }
        return new IOException(name + " " + what + (last.isEmpty() ? "" : "; last output: " + last));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}

package io.walship.primary.cli;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application a daemon runs under {@code -exec}: split shell-style, started with the daemon's environment,
 * stdin, stdout and stderr. Start and stop are ordered under one lock so a stop that comes before the start
 * (a signal while a follower waits for its first snapshot) means the child never starts.
 */
final class ExecChild {
    private static final Logger log = LoggerFactory.getLogger(ExecChild.class);

    private final List<String> command;
    private Process process;
    private boolean stopped;

    private ExecChild(List<String> command) {
        this.command = command;
    }

    /** Parses {@code line}; a blank or badly quoted command is a usage error. */
    static ExecChild parse(String line) {
        List<String> words;
        try {
            words = ShellWords.split(line);
        } catch (IllegalArgumentException e) {
            throw UserException.usage("exec: " + e.getMessage());
        }
        if (words.isEmpty()) {
            throw UserException.usage("exec: empty command");
        }
        return new ExecChild(words);
    }

    /** Starts the child; false if {@link #stop()} came first. */
    synchronized boolean start() {
        if (stopped) {
            return false;
        }
        try {
            process = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new UserException("exec " + command.get(0) + ": " + Main.describe(e), e);
        }
        log.info("started {} (pid {})", command.get(0), process.pid());
        return true;
    }

    /** Waits for the started child to exit by itself or by {@link #stop()}; its exit status. */
    int waitFor() {
        Process p;
        synchronized (this) {
            p = process;
        }
        int status = waitUninterruptibly(p);
        log.info("{} exited with status {}", command.get(0), status);
        return status;
    }

    /**
     * Sends the child SIGTERM ({@link Process#destroy()}) and waits for it to exit; its status, or null if it
     * never started (and now never will).
     */
    synchronized Integer stop() {
        stopped = true;
        if (process == null) {
            return null;
        }
        process.destroy();
        return waitUninterruptibly(process);
    }

    private static int waitUninterruptibly(Process p) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return p.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

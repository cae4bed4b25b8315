package io.walship.it;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** Runs an application's writes on a background thread until stopped; the first failure is kept and rethrown. */
final class AppWriter implements AutoCloseable {
    interface Step {
        void run() throws Exception;
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile long steps;

    AppWriter(String name, long pauseMillis, Step step) {
        thread = new Thread(() -> {
            try {
                while (running.get()) {
                    step.run();
                    steps++;
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    long steps() {
        return steps;
    }

    /** Fails the test if the writer died (e.g. a SQLITE_BUSY walship caused). */
    void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("application writer failed after " + steps + " steps: " + t, t);
        }
    }

    /** Stops after the current step and rethrows a failure. */
    void stop() throws InterruptedException {
        running.set(false);
        thread.join(60_000);
        if (thread.isAlive()) {
            throw new AssertionError("application writer did not stop");
        }
        check();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(60_000);
    }
}

package io.walship.bench;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The peak resident set of a short-lived process: {@code VmHWM} only grows, so the last value read before the
 * process exits is its peak to within one polling interval of allocation. (GNU time, which reports the same
 * figure from the kernel at exit, is not installed everywhere.)
 */
final class PeakRss implements AutoCloseable {
    private static final long POLL_MILLIS = 2;

    private final long pid;
    private final Thread poller;
    private volatile long peakKib;
    private volatile boolean stopped;
    private volatile IOException failure;

    private PeakRss(long pid) {
        this.pid = pid;
        this.poller = new Thread(this::poll, "bench-peak-rss-" + pid);
        poller.setDaemon(true);
    }

    static PeakRss watch(long pid) {
        PeakRss p = new PeakRss(pid);
        p.poller.start();
        return p;
    }

    private void poll() {
        try {
            while (!stopped) {
                ProcStatus s = ProcStatus.read(pid);
                if (s == null) {
                    return;
                }
                peakKib = Math.max(peakKib, s.peakKib());
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The peak seen, in MiB, once the process has ended (or now, if it still runs). */
    double peakMib() throws InterruptedException {
        stopped = true;
        poller.join();
        if (failure != null) {
            throw new UncheckedIOException(failure);
        }
        return peakKib / 1024.0;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        poller.join();
    }
}

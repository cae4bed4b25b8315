package io.walship.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A process's memory and threads as the kernel reports them in {@code /proc/PID/status}: resident set now
 * ({@code VmRSS}), its peak so far ({@code VmHWM}), threads. Works for any program, JVM or not.
 *
 * @param rssKib  resident set, KiB
 * @param peakKib highest resident set since the process started, KiB
 * @param threads threads now
 */
record ProcStatus(long rssKib, long peakKib, int threads) {

    /** The figures now, or null if the process has already gone. */
    static ProcStatus read(long pid) throws IOException {
        long rss = -1;
        long peak = -1;
        int threads = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = number(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = number(line);
                } else if (line.startsWith("Threads:")) {
                    threads = (int) number(line);
                }
            }
        } catch (NoSuchFileException e) {
            return null;
        }
        // A zombie (exited, not yet reaped) has no memory lines left.
        return rss < 0 || peak < 0 ? null : new ProcStatus(rss, peak, threads);
    }

    private static long number(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).strip().split("\\s+")[0]);
    }

    double rssMib() {
        return rssKib / 1024.0;
    }

    double peakMib() {
        return peakKib / 1024.0;
    }
}

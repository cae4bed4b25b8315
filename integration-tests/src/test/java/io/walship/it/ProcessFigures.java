package io.walship.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a daemon costs, measured from outside as an operator would: threads and resident memory from
 * {@code /proc/PID/status}, heap in use from {@code jcmd PID GC.heap_info} (the JDK running the tests), CPU time
 * from the OS.
 */
final class ProcessFigures {
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final long pid;

    ProcessFigures(long pid) {
        this.pid = pid;
    }

    int threads() {
        return (int) statusNumber("Threads");
    }

    long rssKib() {
        return statusNumber("VmRSS");
    }

    /** Heap in use now (young and old generations, not metaspace), in KiB. */
    long heapUsedKib() {
        return heapUsed(jcmd("GC.heap_info"));
    }

    /** Heap in use right after a full collection (the live set), in KiB. */
    long liveHeapKib() {
        jcmd("GC.run");
        return heapUsedKib();
    }

    /** CPU the process used over {@code window}, in percent of one core. */
    double cpuPercent(Duration window) throws InterruptedException {
        Duration before = cpu();
        Thread.sleep(window.toMillis());
        return 100.0 * cpu().minus(before).toNanos() / window.toNanos();
    }

    private Duration cpu() {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration())
                .orElseThrow(() -> new AssertionError("no CPU time for process " + pid));
    }

    private static long heapUsed(String heapInfo) {
        long kib = 0;
        int generations = 0;
        for (String line : heapInfo.lines().toList()) {
            Matcher m = USED.matcher(line);
            if (line.contains("generation") && m.find()) {
                kib += Long.parseLong(m.group(1));
                generations++;
            }
        }
        if (generations == 0) {
            throw new AssertionError("unexpected GC.heap_info output (the daemon runs with -XX:+UseSerialGC):\n" + heapInfo);
        }
        return kib;
    }

    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return RunningProcess.start(List.of(jcmd.toString(), Long.toString(pid), command), Map.of(), null)
                .await(Duration.ofSeconds(60)).assertSuccess().stdout();
    }

    private long statusNumber(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no " + key + " in /proc/" + pid + "/status");
    }
}

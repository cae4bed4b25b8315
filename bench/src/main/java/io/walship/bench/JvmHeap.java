package io.walship.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap in use of a running JVM, asked from outside with {@code jcmd PID GC.heap_info} (the JDK the suite runs on,
 * which also runs the walship processes it starts). Understands Serial, Parallel and G1 output: the heap's
 * spaces each report {@code used NK}; metaspace, which also does, is not heap.
 */
final class JvmHeap {
    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private JvmHeap() {
    }

    /** Heap in use now, in MiB (live objects plus garbage not yet collected). */
    static double usedMib(long pid, Path logDir) throws IOException, InterruptedException {
        return parseUsedKib(jcmd(pid, "GC.heap_info", logDir)) / 1024.0;
    }

    /** Heap in use right after a full collection (the live set), in MiB. */
    static double liveMib(long pid, Path logDir) throws IOException, InterruptedException {
        jcmd(pid, "GC.run", logDir);
        return usedMib(pid, logDir);
    }

    static long parseUsedKib(String heapInfo) throws IOException {
        long kib = 0;
        boolean found = false;
        for (String line : heapInfo.lines().toList()) {
            String t = line.strip();
            if (t.startsWith("Metaspace") || t.startsWith("class space")) {
                continue;
            }
            Matcher m = USED.matcher(t);
            // Serial and Parallel list generations; G1 one line for the whole heap, then region counts.
            if (m.find() && (t.contains("generation") || t.contains("heap") || t.startsWith("PS") || t.startsWith("Par"))) {
                kib += Long.parseLong(m.group(1));
                found = true;
            }
        }
        if (!found) {
            throw new IOException("cannot read the heap in use from jcmd GC.heap_info: " + heapInfo.strip());
        }
        return kib;
    }

    private static String jcmd(long pid, String command, Path logDir) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path log = logDir.resolve("jcmd-" + pid + ".log");
        try (ChildProcess p = ChildProcess.start("jcmd " + command, List.of(jcmd.toString(), Long.toString(pid), command),
                Map.of(), log)) {
            p.awaitSuccess(TIMEOUT);
        }
        return Files.readString(log);
    }
}

package io.walship.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** The machine the figures come from: CPU, memory, JDK, the temp file system and what one fsync costs there. */
final class MachineInfo {
    private static final int FSYNC_SAMPLES = 50;

    private MachineInfo() {
    }

    static String describe() throws IOException {
        Runtime rt = Runtime.getRuntime();
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB RAM, %s %s, JDK %s (%s), temp dir on %s, "
                        + "fsync of 4 KiB p50 %.2f ms",
                rt.availableProcessors(), cpuModel(), memory / (double) (1L << 30), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.name"), Files.getFileStore(tmp).type(), fsyncMillis(tmp));
    }

    /** The 1-minute load average, which says how much the other tenants of the machine took. */
    static String load() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException ignored) {
            // not Linux: the core count alone has to do
        }
        return "unknown CPU";
    }

    private static double fsyncMillis(Path dir) throws IOException {
        Path f = Files.createTempFile(dir, "walship-bench-fsync", ".tmp");
        long[] nanos = new long[FSYNC_SAMPLES];
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ByteBuffer page = ByteBuffer.allocate(4096);
            for (int i = 0; i < nanos.length; i++) {
                page.clear();
                ch.write(page, (long) i * 4096);
                long t = System.nanoTime();
                ch.force(false);
                nanos[i] = System.nanoTime() - t;
            }
        } finally {
            Files.deleteIfExists(f);
        }
        return LatencyStats.of(nanos).p50Millis();
    }
}

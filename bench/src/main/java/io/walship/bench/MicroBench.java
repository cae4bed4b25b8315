package io.walship.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code walship bench micro}: the JMH benchmarks of {@code io.walship.bench.micro} (WAL checksum, LZ4 frame
 * encode and decode, stream record decode) in bytes/s, next to a plain memory copy measured in the same run as
 * the machine's own limit.
 */
public final class MicroBench {
    static final String SECTION = "bench micro";
    private static final String MEMCPY = "MemcpyBenchmark.copy";

    /**
     * @param forks      JVMs per benchmark (0: in this JVM, for a quick check only)
     * @param warmups    warm-up iterations
     * @param iterations measured iterations
     * @param iteration  time per iteration
     * @param bytes      buffer each operation works on
     */
    public record Settings(int forks, int warmups, int iterations, Duration iteration, int bytes) {
    }

    /** One benchmark's throughput in bytes/s, with JMH's 99.9 % error margin. */
    record Rate(String benchmark, double bytesPerSecond, double error) {
    }

    private MicroBench() {
    }

    public static void run(BenchContext ctx, Settings s) throws Exception {
        String loadBefore = MachineInfo.load();
        ctx.out().printf(Locale.ROOT, "walship bench micro: JMH, %d fork(s), %d+%d iterations of %d ms, %d-byte buffers%n",
                s.forks(), s.warmups(), s.iterations(), s.iteration().toMillis(), s.bytes());
        TimeValue time = TimeValue.milliseconds(s.iteration().toMillis());
        Options options = new OptionsBuilder()
                .include("io\\.walship\\.bench\\.micro\\..*")
                .forks(s.forks())
                .warmupIterations(s.warmups()).warmupTime(time)
                .measurementIterations(s.iterations()).measurementTime(time)
                .param("size", Integer.toString(s.bytes()))
                .timeUnit(TimeUnit.SECONDS)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        List<Rate> rates = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            int bytes = Integer.parseInt(r.getParams().getParam("size")) & ~7;
            rates.add(new Rate(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
                    r.getPrimaryResult().getScore() * bytes, r.getPrimaryResult().getScoreError() * bytes));
        }
        rates.sort(Comparator.comparing((Rate r) -> !r.benchmark().equals(MEMCPY)).thenComparing(Rate::benchmark));
        String report = ReportHeader.of(ctx.machine(), loadBefore, MachineInfo.load()) + report(rates, s);
        ctx.out().println();
        ctx.out().print(report);
        ctx.writeSection(SECTION, report);
    }

    static String report(List<Rate> rates, Settings s) {
        Rate memcpy = rates.stream().filter(r -> r.benchmark().equals(MEMCPY)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the memcpy benchmark did not run"));
        MarkdownTable table = new MarkdownTable("operation", "GB/s", "± GB/s (99.9 %)", "of memcpy");
        for (Rate r : rates) {
            // JMH gives no error margin for a single iteration.
            table.row(label(r.benchmark()), Figures.fixed(r.bytesPerSecond() / 1e9, 2),
                    Double.isNaN(r.error()) ? "—" : Figures.fixed(r.error() / 1e9, 2),
                    Figures.fixed(100 * r.bytesPerSecond() / memcpy.bytesPerSecond(), 1) + " %");
        }
        return String.format(Locale.ROOT, "JMH 1.37, throughput of one thread over a %d-byte buffer of database-like "
                        + "bytes (LZ4 about 2:1), in bytes of uncompressed data per second; %d fork(s), %d warm-up "
                        + "and %d measured iterations of %d ms. memcpy (System.arraycopy) is measured in the same "
                        + "run as this machine's limit.%n%n", s.bytes(), s.forks(), s.warmups(), s.iterations(),
                s.iteration().toMillis())
                + table;
    }

    private static String label(String benchmark) {
        return switch (benchmark) {
            case MEMCPY -> "memcpy (System.arraycopy)";
            case "WalChecksumBenchmark.checksum" -> "WAL checksum (WalChecksum)";
            case "Lz4Benchmark.encode" -> "LZ4 frame encode (Lz4FrameWriter)";
            case "Lz4Benchmark.decode" -> "LZ4 frame decode (Lz4FrameReader)";
            case "StreamDecodeBenchmark.decode" -> "stream record decode (StreamDecoder, LZ4 + CRC-32C)";
            default -> benchmark;
        };
    }
}

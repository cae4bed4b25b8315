package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every part of {@code bin/walship bench} end to end at tiny sizes, so the suite cannot rot: each runs against
 * the real litestream binary and walship processes, exits 0, and writes its section with a row per case and only
 * finite figures. A comparison that cannot run fails with one line. No timing is asserted.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BenchSuiteIT {
    private static final Duration PART_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    @Test
    void restoreComparesBothToolsFromADirectoryAndFromS3() {
        List<String> rows = runPart("restore", "bench restore", "-db-size", "4MiB", "-wal-size", "1MiB", "-runs", "1");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).startsWith("| directory |");
        assertThat(rows.get(1)).startsWith("| S3 (embedded, loopback) |");
    }

    @Test
    void overheadRunsTheApplicationAloneAndWithEachTool() {
        List<String> rows = runPart("overhead", "bench overhead", "-duration", "1s", "-rounds", "1");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).startsWith("| litestream replicate |");
        assertThat(rows.get(2)).startsWith("| walship replicate + 1 follower |");
    }

    @Test
    void requestsCountsThePutsOfBothToolsAtTheServer() {
        List<String> rows = runPart("requests", "bench requests", "-duration", "3s", "-rate", "20");
        assertThat(rows).hasSize(2);
        // Three sync intervals of steady writes: each tool uploaded WAL segments, counted as puts.
        assertThat(rows).allSatisfy(r -> assertThat(r).containsPattern("\\| PutObject: [1-9]"));
    }

    @Test
    void memoryMeasuresEveryDaemonAndTheSmallHeapCycle() {
        List<String> rows = runPart("memory", "bench memory", "-db-size", "4MiB", "-databases", "5", "-duration", "1s",
                "-rate", "20");
        assertThat(rows).hasSize(6);
        assertThat(rows).filteredOn(r -> r.startsWith("| walship")).hasSize(4)
                .allSatisfy(r -> assertThat(r).doesNotContain("| — |"));
        assertThat(section("bench memory")).contains("`-Xmx64m`: walship replicate took the snapshot")
                .contains("restored equal");
    }

    @Test
    void followMeasuresLagWithoutAnyPeer() {
        List<String> rows = runPart("follow", "bench follow", "-duration-per-case", "300ms", "-warmup", "100ms",
                "-rates", "100", "-followers", "1");
        assertThat(rows).hasSize(2); // the figures table and the apply-steps table
    }

    @Test
    void microRunsEveryJmhBenchmarkNextToMemcpy() {
        List<String> rows = runPart("micro", "bench micro", "-forks", "0", "-warmups", "1", "-iterations", "1",
                "-iteration-time", "100ms", "-size", "64KiB");
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0)).startsWith("| memcpy (System.arraycopy) |").endsWith("| 100.0 % |");
    }

    @Test
    void aComparisonWithoutLitestreamFailsWithOneLine() {
        Path missing = dir.resolve("no-litestream");
        ProcessResult part = bench("restore", "-litestream", missing.toString(), "-db-size", "1MiB");
        assertThat(part.exitCode()).as(part.describe()).isEqualTo(1);
        assertThat(part.stderrLines()).as(part.describe()).containsExactly("walship: litestream v0.3.13 not found at "
                + missing + ": run .ci/fetch-litestream or pass -litestream PATH; the comparison cannot run without it");
        // The whole suite checks both tools before it measures anything.
        ProcessResult all = WalshipProcess.start("bench", "-litestream",
                missing.toString(), "-results", results().toString(), "-workdir", dir.toString()).await(PART_TIMEOUT);
        assertThat(all.exitCode()).as(all.describe()).isEqualTo(1);
        assertThat(all.stderrLines()).as(all.describe()).hasSize(1);
        assertThat(results()).doesNotExist();
        ProcessResult usage = bench("restore", "-runs", "0");
        assertThat(usage.exitCode()).as(usage.describe()).isEqualTo(2);
    }

    /** Runs one part and returns the data rows of its section's tables, each checked for finite figures. */
    private List<String> runPart(String part, String section, String... options) {
        LitestreamBinary litestream = LitestreamBinary.locate();
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("-litestream", litestream.path().toString()));
        ProcessResult r = bench(part, args.toArray(String[]::new)).assertSuccess();
        assertThat(r.stdout()).contains("walship " + section + ": written to " + results());
        List<String> lines = section(section).lines().toList();
        List<String> data = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            boolean header = i + 1 < lines.size() && lines.get(i + 1).startsWith("|---");
            if (lines.get(i).startsWith("| ") && !header) {
                data.add(lines.get(i));
            }
        }
        assertThat(data).as(section).allSatisfy(row -> assertThat(row).doesNotContain("NaN").doesNotContain("Infinity"));
        return data;
    }

    private ProcessResult bench(String part, String... options) {
        List<String> args = new ArrayList<>(List.of("bench", part));
        args.addAll(List.of(options));
        args.addAll(List.of("-results", results().toString(), "-workdir", dir.resolve("work").toString()));
        return WalshipProcess.start(args.toArray(String[]::new)).await(PART_TIMEOUT);
    }

    private String section(String heading) {
        try {
            String file = Files.readString(results());
            int start = file.indexOf("## " + heading + "\n");
            assertThat(start).as("section " + heading + " in\n" + file).isNotNegative();
            int end = file.indexOf("\n## ", start + 1);
            return end < 0 ? file.substring(start) : file.substring(start, end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path results() {
        return dir.resolve("bench-results.md");
    }
}

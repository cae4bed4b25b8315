package io.walship.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The bench follow code path end to end with tiny cases: the rows are there and every figure is a number. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FollowBenchTest {
    @TempDir
    Path dir;

    @Test
    void tinySuiteFillsEveryRowWithFiniteFigures() throws Exception {
        Path results = dir.resolve("bench-results.md");
        Files.writeString(results, "# walship benchmark results\n\n## bench follow\n\nstale figures\n\n## bench restore\n\nkept\n");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (BenchContext ctx = BenchContext.open(results, null, "", dir, new PrintStream(buf, true, StandardCharsets.UTF_8))) {
            FollowBench.run(ctx, new FollowBench.Settings(Duration.ofMillis(300), Duration.ofMillis(100), new int[] {200, 0},
                    new int[] {1, 2}, 1, FollowVia.STREAM));
        }

        String file = Files.readString(results);
        assertThat(file).contains("## bench restore\n\nkept").doesNotContain("stale figures");
        List<String> rows = file.lines().filter(l -> l.matches("\\| \\d+ \\| (200|max) \\| 1 \\|.*")).toList();
        assertThat(rows).hasSize(8); // 4 cases, in the figures table and in the steps table
        assertThat(rows).allSatisfy(r -> assertThat(r).doesNotContain("NaN").doesNotContain("Infinity"));
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("followers=2 rate=max run=1");
    }

    @ParameterizedTest
    @EnumSource(FollowVia.class)
    void figuresOfEachCaseAreFiniteAndConsistent(FollowVia via) throws Exception {
        CaseResult r = new FollowCase(via, 2, 500, 1, Duration.ofMillis(300), Duration.ofMillis(100)).run();

        assertThat(r.commits()).isPositive();
        assertThat(r.rowsChecked()).isTrue();
        for (LatencyStats s : List.of(r.capture(), r.lag(), r.readersSee())) {
            assertThat(s.count()).isPositive();
            assertThat(s.p50()).isFinite().isNotNegative().isLessThanOrEqualTo(s.p99());
            assertThat(s.p99()).isLessThanOrEqualTo(s.max());
        }
        assertThat(r.lag().count()).isEqualTo(2 * r.commits());
        assertThat(r.readersSee().p50()).isLessThanOrEqualTo(r.lag().p50());
        assertThat(r.writerRate()).isFinite().isPositive();
        assertThat(r.appliedRate()).isFinite().isPositive();
        assertThat(r.commitsPerBatch()).isFinite().isGreaterThanOrEqualTo(1.0);
    }
}

package io.walship.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code walship bench} without a part runs every part with the defaults its own command declares. */
class BenchSuiteCommandTest {
    @Test
    void everyPartParsesToItsDefaultsInSuiteOrder() {
        CommandLine bench = new CommandLine(new BenchSuiteCommand());
        assertThat(List.copyOf(bench.getSubcommands().keySet()))
                .containsExactly("restore", "overhead", "requests", "memory", "follow", "micro");
        RestoreBenchCommand restore = (RestoreBenchCommand) defaults(bench, "restore");
        assertThat(restore.dbSize).isEqualTo(1L << 30);
        assertThat(restore.runs).isEqualTo(3);
        FollowBenchCommand follow = (FollowBenchCommand) defaults(bench, "follow");
        assertThat(follow.rates).containsExactly(100, 1000, 0);
        assertThat(follow.followers).containsExactly(1, 10);
        MemoryBenchCommand memory = (MemoryBenchCommand) defaults(bench, "memory");
        assertThat(memory.databases).isEqualTo(1000);
        assertThat(memory.duration).isEqualTo(Duration.ofSeconds(10));
        assertThat(memory.common.javaOpts).isEqualTo("-XX:+UseSerialGC");
        for (String part : bench.getSubcommands().keySet()) {
            assertThat(defaults(bench, part)).isNotNull();
        }
    }

    private static PartCommand defaults(CommandLine bench, String part) {
        return BenchSuiteCommand.withDefaults(bench.getSubcommands().get(part));
    }
}

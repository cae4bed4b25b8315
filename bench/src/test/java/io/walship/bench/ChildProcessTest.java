package io.walship.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Programs the suite starts: waiting on their output, stopping them gracefully, their memory from /proc. */
class ChildProcessTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aStoppedProgramStillWritesItsShutdownLinesAndExitsCleanly() throws Exception {
        // Logs on SIGTERM like both tools do; with its output pipe closed that line would kill it (SIGPIPE).
        String script = "trap 'echo shutting down; exit 0' TERM; echo ready; while true; do sleep 0.05; done";
        Path log = dir.resolve("p.log");
        try (ChildProcess p = ChildProcess.start("script", List.of("sh", "-c", script), Map.of(), log)) {
            p.awaitLine("starting", l -> l.equals("ready"), TIMEOUT);
            ProcStatus status = ProcStatus.read(p.pid());
            assertThat(status.rssKib()).isPositive();
            assertThat(status.peakKib()).isGreaterThanOrEqualTo(status.rssKib());
            p.stop(TIMEOUT);
        }
        assertThat(Files.readAllLines(log)).containsExactly("ready", "shutting down");
    }

    @Test
    void aProgramThatEndsBeforeTheAwaitedLineFailsWithItsOutput() throws Exception {
        try (ChildProcess p = ChildProcess.start("short", List.of("sh", "-c", "echo no luck; exit 3"), Map.of(),
                dir.resolve("short.log"))) {
            assertThatThrownBy(() -> p.awaitLine("starting", l -> l.equals("ready"), TIMEOUT))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("short starting: it exited")
                    .hasMessageContaining("no luck");
        }
    }

    @Test
    void countsAndQuietSpellsFollowTheOutput() throws Exception {
        String script = "for i in 1 2 3; do echo tick; sleep 0.05; done; echo done; sleep 30";
        try (ChildProcess p = ChildProcess.start("ticker", List.of("sh", "-c", script), Map.of(), dir.resolve("t.log"))) {
            p.awaitLines("ticking", l -> l.equals("tick"), 3, TIMEOUT);
            p.awaitQuiet("ticking", l -> l.equals("tick"), Duration.ofMillis(300), TIMEOUT);
            assertThat(p.count(l -> l.equals("tick"))).isEqualTo(3);
        }
    }

    @Test
    void thePeakOfAShortProcessIsCaught() throws Exception {
        try (ChildProcess p = ChildProcess.start("sleep", List.of("sleep", "0.3"), Map.of(), dir.resolve("s.log"));
             PeakRss peak = PeakRss.watch(p.pid())) {
            p.awaitSuccess(TIMEOUT);
            assertThat(peak.peakMib()).isPositive();
        }
    }

    @Test
    void heapInUseIsReadFromEachCollectorsReport() throws Exception {
        String serial = """
                 def new generation   total 116160K, used 33057K [0x0000000687400000, 0x000000068f200000)
                  eden space 103296K,  32% used [0x0000000687400000, 0x00000006894487c0)
                 tenured generation   total 258048K, used 1000K [0x0000000704d50000, 0x0000000714950000)
                 Metaspace       used 8978K, committed 9216K, reserved 1114112K
                  class space    used 1062K, committed 1152K, reserved 1048576K
                """;
        String g1 = """
                 garbage-first heap   total 397312K, used 20351K [0x0000000687400000, 0x0000000800000000)
                  region size 4096K, 4 young (16384K), 1 survivors (4096K)
                 Metaspace       used 8983K, committed 9152K, reserved 1114112K
                """;
        String parallel = """
                 PSYoungGen      total 113152K, used 31130K [0x0000000782700000, 0x000000078a500000)
                 ParOldGen       total 258048K, used 2K [0x0000000687400000, 0x0000000697000000)
                 Metaspace       used 8984K, committed 9152K, reserved 1114112K
                """;
        assertThat(JvmHeap.parseUsedKib(serial)).isEqualTo(34057);
        assertThat(JvmHeap.parseUsedKib(g1)).isEqualTo(20351);
        assertThat(JvmHeap.parseUsedKib(parallel)).isEqualTo(31132);
        assertThatThrownBy(() -> JvmHeap.parseUsedKib("Metaspace used 1K")).isInstanceOf(IOException.class);
        // And from a live JVM: this one.
        assertThat(JvmHeap.usedMib(ProcessHandle.current().pid(), dir)).isPositive();
    }
}

package io.walship.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A disk that is full for one running process, without root: {@code prlimit} lowers the process's soft
 * {@code RLIMIT_FSIZE}, so every write that reaches past that many bytes of any file fails ({@code EFBIG}, "File
 * too large"; the JVM ignores {@code SIGXFSZ}), while the process keeps running and other processes can still read
 * its files. Raising the limit again is space coming back.
 */
final class FileSizeLimit {
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    private FileSizeLimit() {
    }

    /** Writes of {@code pid} beyond {@code bytes} of any file fail from now on. */
    static void set(long pid, long bytes) {
        prlimit(pid, bytes + ":");
    }

    static void lift(long pid) {
        prlimit(pid, "unlimited:");
    }

    private static void prlimit(long pid, String soft) {
        if (!Files.isExecutable(PRLIMIT)) {
            Prerequisites.missing(PRLIMIT + " (util-linux) not found");
        }
        RunningProcess.start(List.of(PRLIMIT.toString(), "--pid", Long.toString(pid), "--fsize=" + soft), Map.of(), null)
                .await(Duration.ofSeconds(10)).assertSuccess();
    }
}

package io.walship.primary.restore;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Litestream v0.3.13 binary as a child process. Found via system property or env
 * {@code WALSHIP_LITESTREAM}, else {@code <repo>/.peer/litestream} (installed by {@code .ci/fetch-litestream}).
 * Missing: the test is skipped, except under {@code CI=true} where it fails.
 */
final class LitestreamPeer {
    private final Path binary;

    private LitestreamPeer(Path binary) {
        this.binary = binary;
    }

    static LitestreamPeer locate() {
        String configured = System.getProperty("WALSHIP_LITESTREAM", System.getenv("WALSHIP_LITESTREAM"));
        Path p = configured != null && !configured.isBlank() ? Path.of(configured) : repoRoot().resolve(".peer/litestream");
        if (!Files.isExecutable(p)) {
            String why = "litestream v0.3.13 not found at " + p + " (run .ci/fetch-litestream or set WALSHIP_LITESTREAM)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            assumeTrue(false, why);
        }
        return new LitestreamPeer(p);
    }

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".ci/fetch-litestream"))) {
                return d;
            }
        }
        return dir;
    }

    /** {@code litestream replicate DB file://DIR}; output goes to {@code log}. */
    Process replicate(Path db, Path replicaDir, Path log) throws IOException {
        return new ProcessBuilder(binary.toString(), "replicate", db.toString(), "file://" + replicaDir)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** SIGTERM: Litestream syncs one last time and exits 0. */
    static void stop(Process p, Path log) throws Exception {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("litestream did not stop on SIGTERM; log:\n" + Files.readString(log));
        }
    }

    record Result(int exit, String output) {
    }

    /** {@code litestream restore -o OUT [flags] file://DIR}. */
    Result restore(Path out, Path replicaDir, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "restore", "-o", out.toString()));
        cmd.addAll(List.of(flags));
        cmd.add("file://" + replicaDir);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("litestream restore hung: " + output);
        }
        return new Result(p.exitValue(), output);
    }
}

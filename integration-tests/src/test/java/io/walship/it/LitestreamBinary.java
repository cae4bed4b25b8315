package io.walship.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The interop peer, the real litestream v0.3.13 binary (fetched by {@code .ci/fetch-litestream}). Missing, it
 * skips the test, except under {@code CI=true} where a missing peer must not turn interop tests green.
 */
final class LitestreamBinary {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path binary;

    private LitestreamBinary(Path binary) {
        this.binary = binary;
    }

    static LitestreamBinary locate() {
        Path p = configuredPath();
        if (!Files.isExecutable(p)) {
            Prerequisites.missing("litestream v0.3.13 (the interop peer) not found at " + p
                    + " (run .ci/fetch-litestream, or set -Dwalship.litestream / WALSHIP_LITESTREAM)");
        }
        return new LitestreamBinary(p);
    }

    Path path() {
        return binary;
    }

    private static Path configuredPath() {
        String prop = System.getProperty("walship.litestream");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("WALSHIP_LITESTREAM");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return RepoRoot.get().resolve(".peer/litestream");
    }

    /** Runs one litestream command to completion. */
    ProcessResult run(String... args) {
        return start(args).await(TIMEOUT);
    }

    RunningProcess start(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        return RunningProcess.start(cmd, Map.of(), null);
    }

    /** {@code litestream replicate -config PATH}; returns once litestream reports the database initialised. */
    RunningProcess replicate(Path configFile) {
        RunningProcess p = start("replicate", "-config", configFile.toString());
        p.awaitLine(l -> l.contains("initialized db"), TIMEOUT);
        return p;
    }

    /** {@code litestream restore [flags] -o OUT REPLICA_URL}; fails the test unless it exits 0. */
    ProcessResult restore(String replicaUrl, Path out, String... flags) {
        List<String> args = new ArrayList<>(List.of("restore"));
        args.addAll(List.of(flags));
        args.addAll(List.of("-o", out.toString(), replicaUrl));
        return run(args.toArray(String[]::new)).assertSuccess();
    }

    /** Restores with a config file (for S3 replicas, whose endpoint and keys live there). */
    ProcessResult restoreWithConfig(Path configFile, Path dbPath, Path out, String... flags) {
        List<String> args = new ArrayList<>(List.of("restore", "-config", configFile.toString()));
        args.addAll(List.of(flags));
        args.addAll(List.of("-o", out.toString(), dbPath.toString()));
        return run(args.toArray(String[]::new)).assertSuccess();
    }

    /** The rows of {@code litestream generations URL}. */
    List<ReplicaListing.Generation> generations(String replicaUrl) {
        return ReplicaListing.generations(run("generations", replicaUrl).assertSuccess().stdout());
    }

    /** The rows of {@code litestream wal URL}. */
    List<ReplicaListing.Segment> wal(String replicaUrl) {
        return ReplicaListing.segments(run("wal", replicaUrl).assertSuccess().stdout());
    }

    /** The rows of {@code litestream snapshots URL}. */
    List<ReplicaListing.Snapshot> snapshots(String replicaUrl) {
        return ReplicaListing.snapshots(run("snapshots", replicaUrl).assertSuccess().stdout());
    }

    static Path writeConfig(Path file, String yaml) {
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}

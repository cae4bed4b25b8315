package io.walship.primary.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One replicated database, with Litestream v0.3.13's keys and defaults.
 *
 * @param name the name followers use in {@code /stream/NAME}; defaults to the file's base name
 * @param upstreams a follower database's upstreams in the order it tries them ({@code upstream:} or
 *                  {@code upstreams:}); empty for a primary
 * @param backlogBudget bytes of shadow WAL the primary keeps locally while replicas cannot take them
 *                      ({@code backlog-budget}); beyond it the oldest are dropped and the replicas resume with a
 *                      snapshot; 0 for no limit
 */
public record DbConfig(
        Path path,
        String name,
        Path metaPath,
        Duration monitorInterval,
        Duration checkpointInterval,
        int minCheckpointPageCount,
        int maxCheckpointPageCount,
        List<ReplicaConfig> replicas,
        List<UpstreamConfig> upstreams,
        long backlogBudget) {

    public static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(1);
    public static final int DEFAULT_MIN_CHECKPOINT_PAGE_COUNT = 1000;
    public static final int DEFAULT_MAX_CHECKPOINT_PAGE_COUNT = 10000;
    /** Enough for hours of a typical device's writes, small next to an SD card. */
    public static final long DEFAULT_BACKLOG_BUDGET = 1L << 30;

    public DbConfig(Path path, String name, Path metaPath, Duration monitorInterval, Duration checkpointInterval,
                    int minCheckpointPageCount, int maxCheckpointPageCount, List<ReplicaConfig> replicas) {
        this(path, name, metaPath, monitorInterval, checkpointInterval, minCheckpointPageCount,
                maxCheckpointPageCount, replicas, List.of(), DEFAULT_BACKLOG_BUDGET);
    }

    /** A database with every default, as {@code replicate DB URL...} builds it without a config file. */
    public static DbConfig of(Path path, List<ReplicaConfig> replicas) {
        Path abs = path.toAbsolutePath().normalize();
        return new DbConfig(abs, null, null, DEFAULT_MONITOR_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL,
                DEFAULT_MIN_CHECKPOINT_PAGE_COUNT, DEFAULT_MAX_CHECKPOINT_PAGE_COUNT, replicas);
    }

    public String effectiveName() {
        return name != null && !name.isEmpty() ? name : path.getFileName().toString();
    }

    /** Litestream's hidden meta directory {@code .<file>-litestream} beside the database, unless overridden. */
    public Path effectiveMetaPath() {
        return metaPath != null ? metaPath : path.resolveSibling("." + path.getFileName() + "-litestream");
    }
}

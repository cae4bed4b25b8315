package io.walship.primary.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon configuration: a Litestream {@code litestream.yml} is accepted as is.
 *
 * @param addr HTTP listen address for metrics and (walship) the stream, e.g. {@code :9090}; null if unset
 * @param exec child command for {@code replicate}, null if unset
 * @param logStderr Litestream's {@code logging.stderr}: log to stderr instead of stdout
 * @param dbs the databases configured by {@code path}
 * @param stream walship's {@code stream:} block ({@code token}, {@code tls-cert}, {@code tls-key},
 *               {@code client-ca}) as plain values (scalars as their source text), or null if absent
 * @param dirs the {@code dir} entries, whose databases are found by listing the directories
 */
public record Config(String addr, List<DbConfig> dbs, String exec, String logLevel, String logType,
                     boolean logStderr, Map<String, Object> stream, List<DirConfig> dirs) {

    public Config(String addr, List<DbConfig> dbs, String exec, String logLevel, String logType) {
        this(addr, dbs, exec, logLevel, logType, false, null, List.of());
    }

    /**
     * The database configured at {@code path} (compared as absolute, normalised paths): its {@code path} entry,
     * else the first {@code dir} entry that covers it, even before the file exists (restore).
     */
    public Optional<DbConfig> db(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Optional<DbConfig> explicit = dbs.stream().filter(d -> d.path().equals(abs)).findFirst();
        if (explicit.isPresent()) {
            return explicit;
        }
        return dirs.stream().map(d -> d.database(abs)).flatMap(Optional::stream).findFirst();
    }
}

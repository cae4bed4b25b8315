package io.walship.primary.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The daemon configuration: a Litestream {@code litestream.yml} is accepted as is.
 *
 * @param addr HTTP listen address for metrics and (walship) the stream, e.g. {@code :9090}; null if unset
 * @param exec child command for {@code replicate}, null if unset
 */
public record Config(String addr, List<DbConfig> dbs, String exec, String logLevel, String logType) {

    /** The database configured at {@code path} (compared as absolute, normalised paths). */
    public Optional<DbConfig> db(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        return dbs.stream().filter(d -> d.path().equals(abs)).findFirst();
    }
}

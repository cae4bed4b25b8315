package io.walship.primary.config;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code dir} entry (Litestream v0.5's directory replication): every SQLite file in {@code dir} whose name
 * matches {@code pattern} (in subdirectories too when {@code recursive}) is a database with the entry's settings.
 * Its name (for {@code /stream/NAME}) is its path relative to {@code dir} with {@code /} separators, and each of
 * its replicas is the entry's replica with that relative path appended.
 *
 * @param settings     the entry's database keys, with {@code dir} as the path and no name
 * @param scanInterval how often the directory is listed again for new and vanished databases
 */
public record DirConfig(Path dir, String pattern, boolean recursive, Duration scanInterval, DbConfig settings) {

    public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofSeconds(5);
    /** SQLite's own companions and restore's temporary files, never databases of their own. */
    private static final List<String> COMPANION_SUFFIXES = List.of("-wal", "-shm", "-journal", ".tmp");

    /** Checks the glob; a bad one is a config error on {@code pattern}. */
    public DirConfig {
        matcher(pattern);
    }

    /** The database at {@code file} if this entry covers it (whether or not the file exists yet). */
    public Optional<DbConfig> database(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (!abs.startsWith(dir) || abs.equals(dir) || !covers(abs)) {
            return Optional.empty();
        }
        String relative = dir.relativize(abs).toString().replace(abs.getFileSystem().getSeparator(), "/");
        DbConfig s = settings;
        return Optional.of(new DbConfig(abs, relative, null, s.monitorInterval(), s.checkpointInterval(),
                s.minCheckpointPageCount(), s.maxCheckpointPageCount(),
                s.replicas().stream().map(r -> r.under(relative)).toList(), null, s.backlogBudget()));
    }

    /**
     * True if a file at {@code abs} (absolute, normalised, under {@code dir}) would be one of this entry's databases;
     * never inside a meta directory ({@code .app.db-litestream}, or a follower's {@code app.db-litestream}).
     */
    private boolean covers(Path abs) {
        Path relative = dir.relativize(abs);
        if (!recursive && relative.getNameCount() > 1) {
            return false;
        }
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            if (isMetaDir(relative.getName(i))) {
                return false;
            }
        }
        String name = abs.getFileName().toString();
        return COMPANION_SUFFIXES.stream().noneMatch(name::endsWith) && matcher(pattern).matches(abs.getFileName());
    }

    /** walship's and Litestream's state directories, which a recursive scan never enters. */
    public static boolean isMetaDir(Path name) {
        return name.toString().endsWith("-litestream");
    }

    private static PathMatcher matcher(String glob) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (PatternSyntaxException e) {
            throw new ConfigException("pattern", "invalid glob \"" + glob + "\": " + e.getDescription());
        }
    }
}

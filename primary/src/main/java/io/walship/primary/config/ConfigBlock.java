package io.walship.primary.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One of walship's own blocks ({@code stream:}, a database's {@code upstream:}) as the feature that uses it reads
 * it, with the same value syntax as the rest of the file. Unlike Litestream's keys, unknown ones are refused: a
 * misspelt {@code tls-cert} must not silently leave the stream unencrypted.
 */
public final class ConfigBlock {
    private final Map<String, Object> values;
    private final String path;

    private ConfigBlock(Map<String, Object> values, String path) {
        this.values = values;
        this.path = path;
    }

    /** @param path where the block is in the file, for errors ({@code stream}, {@code dbs[0].upstream}) */
    public static ConfigBlock of(Map<String, Object> values, String path) {
        return new ConfigBlock(values == null ? Map.of() : values, path);
    }

    public void requireOnly(Set<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigException(path + "." + key, "unknown key (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** The value's text, or null when unset or empty. */
    public String string(String key) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new ConfigException(path + "." + key, "expected a single value");
        }
        return s.isEmpty() ? null : s;
    }

    /** A file path ({@code ~} expanded, made absolute), or null. */
    public Path path(String key) {
        return parsed(key, ConfigPaths::expand);
    }

    public Integer integer(String key) {
        return parsed(key, YamlMap::parseInteger);
    }

    public Duration duration(String key) {
        return parsed(key, GoDuration::parse);
    }

    /** A boolean that is false when unset. */
    public boolean flag(String key) {
        Boolean b = parsed(key, YamlMap::parseBoolean);
        return b != null && b;
    }

    private <T> T parsed(String key, Function<String, T> parser) {
        String v = string(key);
        if (v == null) {
            return null;
        }
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path + "." + key, e.getMessage());
        }
    }
}

package io.walship.primary.config;

/**
 * A configuration or replica URL the user must fix: reported as one line and exit status 2.
 * Carries the offending key separately so the loader can prefix it with the file and the key's position
 * ({@code /etc/walship.yml: dbs[0].replicas[1].sync-interval: invalid duration "5x"}).
 */
public class ConfigException extends RuntimeException {
    private final String key;
    private final String problem;

    public ConfigException(String message) {
        this(null, message);
    }

    /** A problem with {@code key} (a key name or dotted key path relative to where it was found). */
    public ConfigException(String key, String problem) {
        super(key == null ? problem : key + ": " + problem);
        this.key = key;
        this.problem = problem;
    }

    /** The key the problem is about, or null. */
    public String key() {
        return key;
    }

    /** The message without the key. */
    public String problem() {
        return problem;
    }

    /** The same problem located in {@code file} under the key path {@code parent} (e.g. {@code dbs[0].replicas[1]}). */
    public ConfigException in(String file, String parent) {
        String path = parent == null || parent.isEmpty() ? key : key == null ? parent : parent + "." + key;
        return new ConfigException(file + (path == null ? "" : ": " + path), problem);
    }
}

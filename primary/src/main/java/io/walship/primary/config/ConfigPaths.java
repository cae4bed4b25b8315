package io.walship.primary.config;

import java.nio.file.Path;

/** Litestream's path expansion for database and replica paths: {@code ~} or {@code ~/x} → home, then absolute. */
public final class ConfigPaths {
    private ConfigPaths() {
    }

    public static Path expand(String path) {
        String home = System.getProperty("user.home");
        if (path.equals("~")) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        if (path.startsWith("~/")) {
            return Path.of(home, path.substring(2)).toAbsolutePath().normalize();
        }
        return Path.of(path).toAbsolutePath().normalize();
    }
}

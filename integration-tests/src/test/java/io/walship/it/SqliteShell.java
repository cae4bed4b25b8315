package io.walship.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code sqlite3} shell, which plays the application in the {@code -exec} and container tests. */
final class SqliteShell {
    private SqliteShell() {
    }

    /** Skips the test (fails it under {@code CI=true}) when {@code sqlite3} is not on the PATH. */
    static void require() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "sqlite3"))) {
                return;
            }
        }
        Prerequisites.missing("the sqlite3 shell is not on the PATH (apt-get install sqlite3)");
    }
}

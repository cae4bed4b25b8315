package io.walship.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository checkout the tests run in: Failsafe passes it as {@code walship.repoRoot}. */
final class RepoRoot {
    private RepoRoot() {
    }

    static Path get() {
        String prop = System.getProperty("walship.repoRoot");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        // Running from an IDE: walk up from the working directory to the launcher.
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/walship"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root; set -Dwalship.repoRoot");
    }
}

package io.walship.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The build the suite runs from: {@code -Dwalship.home}, else found from where this module's classes are
 * ({@code bench/target/walship-bench.jar} or {@code bench/target/classes}, three levels below the checkout).
 */
final class RepoHome {
    private RepoHome() {
    }

    static Path locate() {
        String prop = System.getProperty("walship.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        try {
            Path code = Path.of(RepoHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = code.getParent().getParent().getParent();
            if (Files.isRegularFile(root.resolve("bin/walship"))) {
                return root;
            }
        } catch (URISyntaxException | NullPointerException e) {
            // no usable code source: fall through to the error
        }
        throw new IllegalStateException("cannot find the walship build the benchmarks belong to; set -Dwalship.home");
    }
}

package io.walship.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bench-results.md}: one {@code ## } section per benchmark; writing a section replaces the previous one of
 * the same title and leaves the others, so each suite can be re-run on its own.
 */
final class ResultsFile {
    private static final String TITLE = "# walship benchmark results\n\n";

    private ResultsFile() {
    }

    static void writeSection(Path file, String heading, String body) throws IOException {
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : TITLE;
        String section = "## " + heading + "\n\n" + body.strip() + "\n\n";
        String marker = "## " + heading + "\n";
        int start = existing.startsWith(marker) ? 0 : existing.indexOf("\n" + marker);
        String updated;
        if (start < 0) {
            updated = existing.stripTrailing() + "\n\n" + section;
        } else {
            int from = start == 0 ? 0 : start + 1;
            int next = existing.indexOf("\n## ", from + marker.length() - 1);
            updated = existing.substring(0, from) + section + (next < 0 ? "" : existing.substring(next + 1));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, updated.stripTrailing() + "\n", StandardCharsets.UTF_8);
    }
}

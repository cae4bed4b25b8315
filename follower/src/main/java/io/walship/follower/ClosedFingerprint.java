package io.walship.follower;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The database file's size, modification time and identity as a cleanly stopped follower left it, with its WAL
 * fully checkpointed (so no reader's close can checkpoint anything into the file afterwards). A local process
 * that writes while the follower is stopped changes the file when its own close checkpoints the write, often
 * without changing the page count; this notices it. Only a hint: absent after a crash or a busy final checkpoint.
 */
final class ClosedFingerprint {
    private ClosedFingerprint() {
    }

    static void record(Path db, Path file) throws IOException {
        Files.writeString(file, describe(db), StandardCharsets.US_ASCII);
    }

    /** Reads and removes the fingerprint: whether the file is still as the follower left it, or empty if unknown. */
    static Optional<Boolean> takeAndCompare(Path db, Path file) throws IOException {
        String recorded;
        try {
            recorded = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Files.deleteIfExists(file);
        return Optional.of(recorded.equals(describe(db)));
    }

    private static String describe(Path db) throws IOException {
        BasicFileAttributes a = Files.readAttributes(db, BasicFileAttributes.class);
        return a.size() + " " + a.lastModifiedTime().toInstant() + " " + a.fileKey();
    }
}

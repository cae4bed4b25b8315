package io.walship.follower;

import io.walship.protocol.Pos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The public position file {@code DB_PATH-litestream/position} (interface.md): one POS line, replaced
 * atomically, written only once the data it names is visible to new readers.
 */
public final class PositionFile {
    private final Path path;
    private final StepListener steps;

    public PositionFile(Path path) {
        this(path, StepListener.NONE);
    }

    PositionFile(Path path, StepListener steps) {
        this.path = path;
        this.steps = steps;
    }

    /** The position file of a database: {@code DB_PATH-litestream/position}. */
    public static PositionFile of(Path dbPath) {
        return new PositionFile(metaDirectory(dbPath).resolve("position"));
    }

    /** The follower's folder next to the database, {@code DB_PATH-litestream}. */
    public static Path metaDirectory(Path dbPath) {
        Path abs = dbPath.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + "-litestream");
    }

    public Path path() {
        return path;
    }

    /** The recorded position; empty while the file does not exist (no snapshot visible yet). */
    public Optional<Pos> read() throws IOException {
        try {
            return Optional.of(Pos.parse(Files.readString(path, StandardCharsets.US_ASCII)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    public void write(Pos pos) throws IOException {
        Files.createDirectories(path.getParent());
        // The journal, not this file, is what resumes the follower; after a power loss this file may name the
        // previous position (behind, never ahead) until the follower republishes it at its next start.
        AtomicFiles.replace(path, (pos + "\n").getBytes(StandardCharsets.US_ASCII), steps, false);
    }

    /**
     * Writes {@code pos} for a primary's own position file: replaced atomically but not synced (a capture per commit
     * cannot pay an fsync each); after a power loss it may name an older position until the primary writes it again.
     */
    public void publish(Pos pos) throws IOException {
        Files.createDirectories(path.getParent());
        AtomicFiles.replaceVolatile(path, (pos + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    public void delete() throws IOException {
        Files.deleteIfExists(path);
    }
}

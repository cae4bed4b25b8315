package io.walship.primary.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Lists the files a {@code dir} entry covers (regular files, not symlinks), and tells which of them are SQLite
 * databases already: an empty file an application has just created is not one yet; a later scan finds it.
 */
public final class DirScanner {
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private DirScanner() {
    }

    /** The files the entry covers now, as databases in path order; a missing directory is an error. */
    public static List<DbConfig> scan(DirConfig entry) throws IOException {
        if (!Files.isDirectory(entry.dir())) {
            throw new NotDirectoryException(entry.dir() + ": directory does not exist");
        }
        List<DbConfig> found = new ArrayList<>();
        Files.walkFileTree(entry.dir(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(entry.dir())) {
                    return FileVisitResult.CONTINUE;
                }
                return entry.recursive() && !DirConfig.isMetaDir(dir.getFileName())
                        ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    entry.database(file).ifPresent(found::add);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // vanished or unreadable meanwhile: not a database this time
                return FileVisitResult.CONTINUE;
            }
        });
        found.sort(Comparator.comparing(DbConfig::path));
        return found;
    }

    /**
     * True if {@code file} starts with SQLite's header. It opens and closes the file, which drops every POSIX lock
     * this process holds on it: never call it for a database this process has open in SQLite.
     */
    public static boolean isSqlite(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(SQLITE_MAGIC.length), SQLITE_MAGIC);
        } catch (IOException e) {
            return false;
        }
    }
}

package io.walship.primary.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.channels.FileChannel;
import io.walship.protocol.ReplicaLayout;

/**
 * The primary's local state in Litestream's meta directory ({@code .<db>-litestream}): the current
 * {@code generation} file and one uncompressed shadow WAL per index under
 * {@code generations/<gen>/wal/<index %08x>.wal}. A shadow WAL is a byte-exact copy of one life of SQLite's WAL,
 * holding only whole committed transactions.
 */
final class ShadowWalStore {
    private static final Pattern SHADOW = Pattern.compile("^([0-9a-f]{8})\\.wal$");

    private final Path dir;

    ShadowWalStore(Path metaDir) {
        this.dir = metaDir;
    }

    Path dir() {
        return dir;
    }

    /** The current generation, or null if there is none (first start, or cleared). */
    String readGeneration() throws IOException {
        try {
            String g = Files.readString(dir.resolve("generation"), StandardCharsets.US_ASCII).strip();
            return ReplicaLayout.isGeneration(g) ? g : null;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    void writeGeneration(String generation) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("generation.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap((generation + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve("generation"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    Path shadowPath(String generation, long index) {
        return dir.resolve(ReplicaLayout.GENERATIONS).resolve(generation).resolve("wal")
                .resolve(String.format(Locale.ROOT, "%08x.wal", index));
    }

    /** Shadow WAL indexes present for a generation, ascending. */
    List<Long> indexes(String generation) throws IOException {
        List<Long> out = new ArrayList<>();
        Path walDir = shadowPath(generation, 0).getParent();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(walDir)) {
            for (Path p : ds) {
                Matcher m = SHADOW.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(Long.parseLong(m.group(1), 16));
                }
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Size in bytes of each shadow WAL of a generation, by ascending index. */
    SortedMap<Long, Long> sizes(String generation) throws IOException {
        SortedMap<Long, Long> out = new TreeMap<>();
        for (long i : indexes(generation)) {
            try {
                out.put(i, Files.size(shadowPath(generation, i)));
            } catch (NoSuchFileException e) {
                // removed meanwhile: no longer part of the backlog
            }
        }
        return out;
    }

    /** Removes shadow WALs of {@code generation} below {@code index}. */
    void deleteBefore(String generation, long index) throws IOException {
        for (long i : indexes(generation)) {
            if (i < index) {
                Files.deleteIfExists(shadowPath(generation, i));
            }
        }
    }

    /** Removes every generation's directory except {@code keep}, and stale temp files. */
    void deleteOtherGenerations(String keep) throws IOException {
        Path gens = dir.resolve(ReplicaLayout.GENERATIONS);
        if (!Files.isDirectory(gens)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(gens)) {
            for (Path p : ds) {
                if (!p.getFileName().toString().equals(keep)) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package io.walship.primary.relay;

import io.walship.protocol.Pos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The primary's WAL as a relaying follower received it: one file per WAL index, {@code DIR/GEN/INDEX.wal}, holding
 * the primary's bytes at the primary's offsets, as the primary's shadow WAL does. An index is kept only from offset
 * 0 (a relay snapshot needs its index's WAL from the start); finished indexes stay within a byte budget so that
 * followers that reconnect can resume, and while a follower's stream still reads them.
 */
final class RelayStore {
    private static final String SUFFIX = ".wal";

    private final Path dir;
    private final long retainBytes;
    /** Per reader, the generation and index from which it still reads. */
    private final Map<Object, Pos> held = new ConcurrentHashMap<>();

    RelayStore(Path dir, long retainBytes) {
        this.dir = dir;
        this.retainBytes = retainBytes;
    }

    /**
     * Keeps only what can belong to {@code visible} (null: nothing): its generation, indexes up to its own, and that
     * index cut at the visible offset (bytes stored but not applied before a crash) or dropped if it falls short.
     */
    synchronized void open(Pos visible) throws IOException {
        Files.createDirectories(dir);
        dropGenerationsBut(visible == null ? null : visible.generation());
        if (visible == null) {
            return;
        }
        for (Map.Entry<Long, Path> e : indexes(visible.generation()).entrySet()) {
            long idx = e.getKey();
            Path f = e.getValue();
            if (idx > visible.index() || idx == visible.index() && Files.size(f) < visible.offset()) {
                Files.delete(f);
            } else if (idx == visible.index() && Files.size(f) > visible.offset()) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.truncate(visible.offset());
                }
            }
        }
    }

    /**
     * Stores the primary's bytes {@code [start, end)} of one index. They continue the index's file, or start it at
     * offset 0; anything else leaves the index without its start, so it is dropped.
     */
    synchronized void write(Pos start, byte[] bytes) throws IOException {
        Path f = file(start.generation(), start.index());
        boolean continues = start.offset() == 0 || Files.exists(f) && Files.size(f) >= start.offset();
        if (!continues) {
            Files.deleteIfExists(f);
            return;
        }
        Files.createDirectories(f.getParent());
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long at = start.offset();
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
        }
    }

    /** Bytes held of an index from offset 0, or -1. */
    long length(String gen, long idx) throws IOException {
        try {
            return Files.size(file(gen, idx));
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    byte[] read(String gen, long idx, long offset, int len) throws IOException {
        try (FileChannel ch = FileChannel.open(file(gen, idx), StandardOpenOption.READ)) {
            byte[] b = new byte[len];
            ByteBuffer bb = ByteBuffer.wrap(b);
            while (bb.hasRemaining()) {
                if (ch.read(bb, offset + bb.position()) < 0) {
                    throw new IOException(file(gen, idx) + " ends before offset " + (offset + len));
                }
            }
            return b;
        }
    }

    void hold(Object reader, String gen, long idx) {
        held.put(reader, new Pos(gen, idx, 0));
    }

    void release(Object reader) {
        held.remove(reader);
    }

    /**
     * After {@code visible} was applied: other generations go, and finished indexes beyond the byte budget, oldest
     * first, unless a reader still holds them.
     */
    synchronized void retain(Pos visible) throws IOException {
        dropGenerationsBut(visible.generation());
        long keepFrom = visible.index();
        for (Pos p : held.values()) {
            if (p.generation().equals(visible.generation())) {
                keepFrom = Math.min(keepFrom, p.index());
            }
        }
        long bytes = 0;
        List<Map.Entry<Long, Path>> newestFirst = new ArrayList<>(indexes(visible.generation()).entrySet());
        newestFirst.sort(Map.Entry.<Long, Path>comparingByKey().reversed());
        for (Map.Entry<Long, Path> e : newestFirst) {
            long idx = e.getKey();
            if (idx >= visible.index()) {
                continue;
            }
            bytes += Files.size(e.getValue());
            if (bytes > retainBytes && idx < keepFrom) {
                Files.deleteIfExists(e.getValue());
            }
        }
    }

    private void dropGenerationsBut(String keep) throws IOException {
        try (DirectoryStream<Path> gens = Files.newDirectoryStream(dir)) {
            for (Path g : gens) {
                if (!g.getFileName().toString().equals(keep)) {
                    deleteTree(g);
                }
            }
        }
    }

    private TreeMap<Long, Path> indexes(String gen) throws IOException {
        TreeMap<Long, Path> out = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.resolve(gen), "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                out.put(Long.parseUnsignedLong(name.substring(0, name.length() - SUFFIX.length()), 16), f);
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        return out;
    }

    private Path file(String gen, long idx) {
        return dir.resolve(gen).resolve(String.format(Locale.ROOT, "%016x", idx) + SUFFIX);
    }

    private static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}

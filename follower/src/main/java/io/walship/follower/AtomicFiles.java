package io.walship.follower;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Durable replacement of small files SQLite never opens (journal, position): temp file in the same folder,
 * fsync, atomic rename, fsync of the folder. Never use it on the database or its -shm (spec I7).
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    static void replace(Path target, byte[] content, StepListener steps) throws IOException {
        replace(target, content, steps, true);
    }

    /**
     * As {@link #replace(Path, byte[], StepListener)}; without {@code durableRename} the folder is not synced, so
     * after a power loss the previous content may come back (never a torn one): for files allowed to lag.
     */
    static void replace(Path target, byte[] content, StepListener steps, boolean durableRename) throws IOException {
        Path tmp = writeTemp(target, content, true);
        steps.reached(ApplyStep.TEMP_FILE_WRITTEN);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (durableRename) {
            syncDirectory(target.toAbsolutePath().getParent());
        }
    }

    /**
     * Replaces {@code target} atomically for readers that poll it, without syncing anything: after a power loss it
     * may hold an older content or none, so only for files their writer rewrites when it starts again.
     */
    static void replaceVolatile(Path target, byte[] content) throws IOException {
        Path tmp = writeTemp(target, content, false);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path writeTemp(Path target, byte[] content, boolean sync) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, ByteBuffer.wrap(content), 0);
            if (sync) {
                ch.force(true);
            }
        }
        return tmp;
    }

    /** Makes renames and creations in {@code dir} durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Positional write that loops until the whole buffer is written (spec §3.2). */
    static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    /** Positional read that loops until the buffer is full; false if the file ends first. */
    static boolean readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                return false;
            }
            pos += n;
        }
        return true;
    }
}

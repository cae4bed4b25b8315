package io.walship.primary.stream;

import io.walship.protocol.Bytes;
import io.walship.protocol.Pos;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A snapshot staged in a temporary file, then read out chunk by chunk at the follower's pace.
 *
 * <p>Why stage it: {@link StreamedDatabase#snapshot} holds off checkpoints while it runs, so it must not wait for a
 * slow network; copying to local disk takes as long as the disk needs, never as long as a follower needs.
 */
final class SnapshotSpool implements AutoCloseable {
    private static final int ATTEMPTS = 3;

    private final Path file;
    private final FileChannel channel;
    private final Pos position;
    private final Pos consistent;
    private final long size;
    private final int pageSize;
    private final CRC32C crc = new CRC32C();
    private long read;

    private SnapshotSpool(Path file, Pos position, Pos consistent, int fallbackPageSize) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.position = position;
        this.consistent = consistent;
        this.size = channel.size();
        this.pageSize = pageSizeOf(channel, fallbackPageSize);
    }

    /**
     * Copies the database file into {@code dir} and notes the capture position right after: every WAL frame the
     * file may already hold is at or before it, so the image plus WAL (index, 0) up to there is consistent.
     */
    static SnapshotSpool take(StreamedDatabase db, Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path f = dir == null ? Files.createTempFile("walship-snapshot-", ".db")
                    : Files.createTempFile(dir, "walship-snapshot-", ".db");
            try {
                Pos at;
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 16)) {
                    at = db.snapshot(out);
                }
                Pos after = db.position();
                if (after.generation().equals(at.generation()) && after.index() == at.index()) {
                    return new SnapshotSpool(f, at, after, db.pageSize());
                }
                Files.deleteIfExists(f);
                if (attempt == ATTEMPTS) {
                    throw new IOException(db.path() + ": the WAL restarted during " + ATTEMPTS
                            + " snapshot attempts in a row");
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(f);
                throw e;
            }
        }
    }

    /** (generation, index, 0) of the WAL life the image belongs to. */
    Pos position() {
        return position;
    }

    /** Where the image becomes consistent once that index's WAL is applied from offset 0. */
    Pos consistent() {
        return consistent;
    }

    long size() {
        return size;
    }

    int pageSize() {
        return pageSize;
    }

    long offset() {
        return read;
    }

    /** The next at most {@code max} bytes, or null after the last chunk. */
    byte[] nextChunk(int max) throws IOException {
        if (read >= size) {
            return null;
        }
        byte[] b = new byte[(int) Math.min(max, size - read)];
        ByteBuffer bb = ByteBuffer.wrap(b);
        while (bb.hasRemaining()) {
            if (channel.read(bb, read + bb.position()) < 0) {
                throw new IOException(file + ": snapshot spool shrank while being read");
            }
        }
        crc.update(b, 0, b.length);
        read += b.length;
        return b;
    }

    /** CRC-32C of everything read so far (the whole image once {@link #nextChunk} returned null). */
    int crc32c() {
        return (int) crc.getValue();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // a read-only descriptor: nothing to lose
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // temp directory cleanup will take it
        }
    }

    /** SQLite header bytes 16-17: page size, with 1 meaning 65536; an empty file has no header yet. */
    private static int pageSizeOf(FileChannel ch, int fallback) throws IOException {
        if (ch.size() < 100) {
            return fallback;
        }
        byte[] h = new byte[2];
        ch.read(ByteBuffer.wrap(h), 16);
        int v = Bytes.getShortBE(h, 0);
        return v == 1 ? 65536 : v;
    }
}

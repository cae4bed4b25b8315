package io.walship.follower;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The bytes of the batch being applied (spec §5.3 option 1), so a crash re-applies exactly the pending range.
 * Written in place from offset 0 of one file that is kept between batches, and made durable with one fdatasync:
 * overwriting blocks the file already has needs no metadata update, where a new or truncated file per batch cost
 * a file-system journal commit. The journal's length and CRC say which prefix is the batch; what lies beyond is
 * stale and never read.
 */
final class PendingSpool implements AutoCloseable {
    /** A file grown past this by a large batch is cut back afterwards, so one big transaction does not pin disk. */
    static final long KEEP_BYTES = 8L << 20;

    private final Path path;
    private FileChannel channel;

    PendingSpool(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** Stores {@code bytes} durably and returns what the journal must record to find them again. */
    SpoolInfo write(byte[] bytes) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        FileChannel ch = channel();
        AtomicFiles.writeFully(ch, ByteBuffer.wrap(bytes), 0);
        ch.force(false);
        return new SpoolInfo(bytes.length, crc.getValue());
    }

    /** The batch a journal record names, or an {@link InvalidBatchException} if the spool no longer holds it. */
    byte[] read(SpoolInfo info) throws IOException {
        if (info == null || !Files.exists(path)) {
            throw new InvalidBatchException(path + " is missing");
        }
        FileChannel ch = channel();
        if (info.length() > Integer.MAX_VALUE || ch.size() < info.length()) {
            throw new InvalidBatchException(path + " is shorter than its journal record (" + info.length() + " bytes)");
        }
        byte[] bytes = new byte[(int) info.length()];
        AtomicFiles.readFully(ch, ByteBuffer.wrap(bytes), 0);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if (crc.getValue() != info.crc()) {
            throw new InvalidBatchException(path + " does not match its journal record (CRC)");
        }
        return bytes;
    }

    /** After the batch is recorded as applied: gives back the space a large batch took. */
    void applied() throws IOException {
        if (channel != null && channel.size() > KEEP_BYTES) {
            channel.truncate(0);
        }
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}

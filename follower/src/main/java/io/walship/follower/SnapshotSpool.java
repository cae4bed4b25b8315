package io.walship.follower;

import io.walship.protocol.Bytes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A raw database image kept in a spool file until the WAL of its index arrives: the primary's database file is
 * not a consistent state on its own (pages of the index may have been checkpointed into it while it was copied).
 */
final class SnapshotSpool {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private SnapshotSpool() {
    }

    /** Copies {@code in} to {@code spool} (synced) and validates the database header. */
    static SpoolInfo write(Path spool, InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        long length = 0;
        byte[] buf = new byte[1 << 16];
        try (FileChannel ch = FileChannel.open(spool, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
                AtomicFiles.writeFully(ch, ByteBuffer.wrap(buf, 0, n), length);
                length += n;
            }
            ch.force(true);
        }
        return new SpoolInfo(length, crc.getValue());
    }

    /** Page size and size in pages of a spooled image, after checking it is a WAL-mode SQLite database. */
    record Image(int pageSize, int pageCount, long fileLength) {
    }

    static Image inspect(FileChannel ch) throws IOException {
        long length = ch.size();
        ByteBuffer hb = ByteBuffer.allocate(100);
        if (!AtomicFiles.readFully(ch, hb, 0)) {
            throw new InvalidBatchException("snapshot is " + length + " bytes, shorter than a database header");
        }
        byte[] h = hb.array();
        for (int i = 0; i < MAGIC.length; i++) {
            if (h[i] != MAGIC[i]) {
                throw new InvalidBatchException("snapshot is not a SQLite database (bad header magic)");
            }
        }
        int raw = Bytes.getShortBE(h, 16);
        int pageSize = raw == 1 ? 65536 : raw;
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
            throw new InvalidBatchException("snapshot has an invalid page size " + raw);
        }
        PrimaryRange.requireWalMode(h, 0, "snapshot");
        if (length % pageSize != 0) {
            throw new InvalidBatchException("snapshot is " + length + " bytes, not a multiple of its page size " + pageSize);
        }
        int filePages = (int) (length / pageSize);
        int inHeader = Bytes.getIntBE(h, 28);
        boolean headerSizeValid = inHeader > 0 && Bytes.getIntBE(h, 24) == Bytes.getIntBE(h, 92);
        return new Image(pageSize, headerSizeValid ? inHeader : filePages, length);
    }

    static long crc(FileChannel ch) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = 0;
        int n;
        while ((n = ch.read(buf.clear(), pos)) > 0) {
            crc.update(buf.array(), 0, n);
            pos += n;
        }
        return crc.getValue();
    }
}

package io.walship.bench;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads the primary's wal-index header (the first 96 bytes of {@code -shm}: two 48-byte copies, native byte
 * order) right after the writer's commit returns. Its {@code mxFrame} is the commit frame of that transaction and
 * its salt names the WAL life, which together give the commit's exact primary position without asking walship.
 */
final class WalIndexProbe implements AutoCloseable {
    private static final int COPY = 48;
    private final FileChannel channel;
    private final MappedByteBuffer shm;
    private final byte[] buf = new byte[2 * COPY];

    WalIndexProbe(Path dbPath) throws IOException {
        channel = FileChannel.open(dbPath.resolveSibling(dbPath.getFileName() + "-shm"), StandardOpenOption.READ);
        shm = channel.map(FileChannel.MapMode.READ_ONLY, 0, 2 * COPY);
        shm.order(ByteOrder.nativeOrder());
    }

    /** The committed end of the WAL as of now. */
    WalEnd read() {
        while (true) {
            shm.get(0, buf);
            // SQLite writes copy 1 then copy 2; equal copies mean we did not read a header mid-update.
            if (Arrays.equals(buf, 0, COPY, buf, COPY, 2 * COPY)) {
                return new WalEnd(shm.getLong(32), shm.getInt(16) & 0xffffffffL);
            }
            Thread.onSpinWait();
        }
    }

    /** A WAL life (its two salts, raw header bytes read in native order) and the frames committed in it. */
    record WalEnd(long salt, long mxFrame) {
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

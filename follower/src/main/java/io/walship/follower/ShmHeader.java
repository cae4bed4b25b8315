package io.walship.follower;

import io.walship.protocol.WalChecksum;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The first 136 bytes of a {@code -shm} file (spec §2.5), in the host's native byte order: two copies of the
 * wal-index header, then checkpoint info the follower never writes.
 */
record ShmHeader(boolean valid, int version, boolean initialized, boolean bigEndianChecksums, int pageSize,
                 int mxFrame, int nPage, WalChecksum frameChecksum, byte[] salt) {

    static final int SIZE = 136;
    static final int COPY_SIZE = 48;
    /** The {@code isInit} bytes of copy 2 and copy 1: the only -shm bytes the follower writes. */
    static final int IS_INIT_COPY2 = 60;
    static final int IS_INIT_COPY1 = 12;
    private static final int VERSION = 3007000;

    static ShmHeader parse(byte[] b) {
        ByteBuffer n = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        boolean copiesEqual = Arrays.equals(b, 0, COPY_SIZE, b, COPY_SIZE, 2 * COPY_SIZE);
        int version = n.getInt(0);
        boolean init = b[12] == 1;
        WalChecksum stored = new WalChecksum(n.getInt(40), n.getInt(44));
        WalChecksum computed = WalChecksum.ZERO.update(ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN, b, 0, 40);
        boolean valid = copiesEqual && init && version == VERSION && stored.equals(computed);
        int sz = n.getShort(14) & 0xffff;
        int pageSize = (sz & 0xfe00) | ((sz & 1) << 16);
        return new ShmHeader(valid, version, init, b[13] != 0, pageSize, n.getInt(16), n.getInt(20),
                new WalChecksum(n.getInt(24), n.getInt(28)), Arrays.copyOfRange(b, 32, 40));
    }

    /** What the follower remembers of the live WAL to notice writes by anyone else. */
    LocalWalState state() {
        return new LocalWalState(mxFrame, nPage, salt, frameChecksum);
    }
}

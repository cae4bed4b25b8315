package io.walship.follower;

import io.walship.protocol.WalChecksum;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The wal-index fields the follower left behind after its last apply or checkpoint. Only SQLite writers and
 * WAL restarts change them, so finding other values later means some local process wrote to the database.
 */
record LocalWalState(int mxFrame, int nPage, byte[] salt, WalChecksum frameChecksum) {

    boolean sameAs(LocalWalState other) {
        return mxFrame == other.mxFrame && nPage == other.nPage && Arrays.equals(salt, other.salt)
                && frameChecksum.equals(other.frameChecksum);
    }

    String encode() {
        return mxFrame + ":" + nPage + ":" + HexFormat.of().formatHex(salt) + ":"
                + Integer.toUnsignedString(frameChecksum.s0(), 16) + ":" + Integer.toUnsignedString(frameChecksum.s1(), 16);
    }

    static LocalWalState decode(String text) {
        String[] f = text.split(":");
        if (f.length != 5) {
            throw new IllegalArgumentException("bad local WAL state '" + text + "'");
        }
        return new LocalWalState(Integer.parseInt(f[0]), Integer.parseInt(f[1]), HexFormat.of().parseHex(f[2]),
                new WalChecksum(Integer.parseUnsignedInt(f[3], 16), Integer.parseUnsignedInt(f[4], 16)));
    }

    @Override
    public String toString() {
        return "mxFrame=" + mxFrame + " nPage=" + nPage + " salt=" + HexFormat.of().formatHex(salt)
                + String.format(" cksum=%08x/%08x", frameChecksum.s0(), frameChecksum.s1());
    }
}

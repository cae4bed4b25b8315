package io.walship.protocol;

import java.util.Arrays;

/**
 * The 32-byte header of a SQLite WAL file. One header = one life of the WAL ("index" in the replica layout):
 * SQLite writes a new one, with checkpoint sequence + 1 and salt-1 + 1, each time it restarts the WAL.
 */
public record WalHeader(int magic, int version, int pageSize, int checkpointSeq, int salt1, int salt2,
                        WalChecksum checksum) {

    public static final int SIZE = 32;
    public static final int MAGIC_LE = 0x377f0682;
    public static final int MAGIC_BE = 0x377f0683;
    public static final int VERSION = 3007000;

    /** Parses and validates a header (magic, version, page size, header checksum). */
    public static WalHeader parse(byte[] b, int off) throws WalFormatException {
        if (b.length - off < SIZE) {
            throw new WalFormatException("WAL header is short: " + (b.length - off) + " bytes");
        }
        int magic = Bytes.getIntBE(b, off);
        if (magic != MAGIC_LE && magic != MAGIC_BE) {
            throw new WalFormatException(String.format("bad WAL magic 0x%08x", magic));
        }
        int version = Bytes.getIntBE(b, off + 4);
        if (version != VERSION) {
            throw new WalFormatException("unsupported WAL format version " + version);
        }
        int pageSize = Bytes.getIntBE(b, off + 8);
        if (!validPageSize(pageSize)) {
            throw new WalFormatException("invalid WAL page size " + pageSize);
        }
        WalChecksum stored = new WalChecksum(Bytes.getIntBE(b, off + 24), Bytes.getIntBE(b, off + 28));
        WalChecksum computed = WalChecksum.ZERO.update(magic == MAGIC_BE, b, off, 24);
        if (!stored.equals(computed)) {
            throw new WalFormatException("WAL header checksum mismatch");
        }
        return new WalHeader(magic, version, pageSize, Bytes.getIntBE(b, off + 12), Bytes.getIntBE(b, off + 16),
                Bytes.getIntBE(b, off + 20), stored);
    }

    public static WalHeader parse(byte[] b) throws WalFormatException {
        return parse(b, 0);
    }

    /** A header with a freshly computed checksum, as SQLite would write it. */
    public static WalHeader create(boolean bigEndianChecksums, int pageSize, int checkpointSeq, int salt1, int salt2) {
        byte[] b = new byte[SIZE];
        int magic = bigEndianChecksums ? MAGIC_BE : MAGIC_LE;
        Bytes.putIntBE(b, 0, magic);
        Bytes.putIntBE(b, 4, VERSION);
        Bytes.putIntBE(b, 8, pageSize);
        Bytes.putIntBE(b, 12, checkpointSeq);
        Bytes.putIntBE(b, 16, salt1);
        Bytes.putIntBE(b, 20, salt2);
        WalChecksum c = WalChecksum.ZERO.update(bigEndianChecksums, b, 0, 24);
        return new WalHeader(magic, VERSION, pageSize, checkpointSeq, salt1, salt2, c);
    }

    public static boolean validPageSize(int pageSize) {
        return pageSize >= 512 && pageSize <= 65536 && Integer.bitCount(pageSize) == 1;
    }

    public boolean bigEndianChecksums() {
        return magic == MAGIC_BE;
    }

    public int frameSize() {
        return WalFrameHeader.SIZE + pageSize;
    }

    /** Byte offset in the WAL file of the end of frame number {@code frames} (1-based count). */
    public long offsetAfterFrames(long frames) {
        return SIZE + frames * frameSize();
    }

    public boolean saltsMatch(WalFrameHeader frame) {
        return frame.salt1() == salt1 && frame.salt2() == salt2;
    }

    /**
     * True if this header is what SQLite writes when it restarts the WAL that {@code previous} began: salt-1 + 1
     * (salt-2 is random). Exactly one restart happened between the two. The checkpoint sequence is not compared:
     * SQLite writes the restarting connection's private counter there, which only counts that connection's own
     * restarts (a connection that opened an already recovered WAL starts at 0), so it is previous + 1 only when
     * one connection does every restart.
     */
    public boolean isRestartOf(WalHeader previous) {
        return salt1 == previous.salt1 + 1 && pageSize == previous.pageSize && magic == previous.magic;
    }

    public byte[] toBytes() {
        byte[] b = new byte[SIZE];
        Bytes.putIntBE(b, 0, magic);
        Bytes.putIntBE(b, 4, version);
        Bytes.putIntBE(b, 8, pageSize);
        Bytes.putIntBE(b, 12, checkpointSeq);
        Bytes.putIntBE(b, 16, salt1);
        Bytes.putIntBE(b, 20, salt2);
        Bytes.putIntBE(b, 24, checksum.s0());
        Bytes.putIntBE(b, 28, checksum.s1());
        return b;
    }

    /** Equal headers byte for byte; cheaper to reason about than record equality across parses. */
    public boolean sameBytes(WalHeader other) {
        return other != null && Arrays.equals(toBytes(), other.toBytes());
    }
}

package io.walship.protocol;

/**
 * The 24-byte header in front of each page in a WAL.
 *
 * @param pageNumber page this frame holds (1-based)
 * @param commitSize database size in pages after this commit, or 0 if the frame is not the last of a transaction
 */
public record WalFrameHeader(int pageNumber, int commitSize, int salt1, int salt2, WalChecksum checksum) {

    public static final int SIZE = 24;

    public static WalFrameHeader parse(byte[] b, int off) {
        return new WalFrameHeader(Bytes.getIntBE(b, off), Bytes.getIntBE(b, off + 4), Bytes.getIntBE(b, off + 8),
                Bytes.getIntBE(b, off + 12), new WalChecksum(Bytes.getIntBE(b, off + 16), Bytes.getIntBE(b, off + 20)));
    }

    /**
     * Writes the header of a frame whose page is already at {@code b[off + SIZE, off + SIZE + pageSize)}, as SQLite
     * does: page number, commit size, the 8 salt bytes of the WAL header, and the chain continued from {@code seed}.
     *
     * @return the chain value after this frame (the next frame's seed)
     */
    public static WalChecksum write(byte[] b, int off, int pageNumber, int commitSize, byte[] salt, boolean bigEndian,
                                    int pageSize, WalChecksum seed) {
        Bytes.putIntBE(b, off, pageNumber);
        Bytes.putIntBE(b, off + 4, commitSize);
        System.arraycopy(salt, 0, b, off + 8, 8);
        WalChecksum chain = seed.update(bigEndian, b, off, 8).update(bigEndian, b, off + SIZE, pageSize);
        Bytes.putIntBE(b, off + 16, chain.s0());
        Bytes.putIntBE(b, off + 20, chain.s1());
        return chain;
    }

    public boolean isCommit() {
        return commitSize != 0;
    }
}

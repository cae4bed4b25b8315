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

    public boolean isCommit() {
        return commitSize != 0;
    }
}

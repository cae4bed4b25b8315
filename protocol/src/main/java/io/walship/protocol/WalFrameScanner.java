package io.walship.protocol;

/**
 * Walks WAL frames the way SQLite's recovery does: a frame counts only while its salts match the header and
 * its cumulative checksum is right, and only whole transactions (up to the last commit frame) are kept.
 * Bytes past the last valid commit are exactly what SQLite would ignore.
 */
public final class WalFrameScanner {

    /**
     * Result of a scan.
     *
     * @param committedBytes bytes from the scan start up to and including the last valid commit frame
     * @param checksum       chain value after that commit frame (seed for the next scan)
     * @param commitSize     database size in pages after that commit, 0 if no commit was found
     * @param validBytes     bytes of valid frames, committed or not (a transaction may continue in the next buffer)
     * @param validChecksum  chain value after the last valid frame
     * @param stopReason     why the scan stopped before the end of the buffer, or null if it used all of it
     */
    public record Result(int committedBytes, WalChecksum checksum, int commitSize, int validBytes,
                         WalChecksum validChecksum, String stopReason) {
    }

    private final WalHeader header;

    public WalFrameScanner(WalHeader header) {
        this.header = header;
    }

    /**
     * Scans whole frames in {@code buf[off, off+len)}, continuing the checksum chain from {@code seed}
     * (the header's checksum for the first frame of a WAL, else the previous frame's).
     */
    public Result scan(byte[] buf, int off, int len, WalChecksum seed) {
        int frameSize = header.frameSize();
        boolean be = header.bigEndianChecksums();
        WalChecksum chain = seed;
        WalChecksum committedChain = seed;
        int committed = 0;
        int commitSize = 0;
        int pos = 0;
        String stop = null;
        while (pos + frameSize <= len) {
            int at = off + pos;
            WalFrameHeader fh = WalFrameHeader.parse(buf, at);
            if (!header.saltsMatch(fh)) {
                stop = "salt mismatch at frame offset " + pos;
                break;
            }
            if (fh.pageNumber() == 0) {
                stop = "page number 0 at frame offset " + pos;
                break;
            }
            WalChecksum next = chain.update(be, buf, at, 8).update(be, buf, at + WalFrameHeader.SIZE, header.pageSize());
            if (!next.equals(fh.checksum())) {
                stop = "checksum mismatch at frame offset " + pos;
                break;
            }
            chain = next;
            pos += frameSize;
            if (fh.isCommit()) {
                committed = pos;
                committedChain = chain;
                commitSize = fh.commitSize();
            }
        }
        if (stop == null && pos < len) {
            stop = "partial frame at offset " + pos;
        }
        return new Result(committed, committedChain, commitSize, pos, chain, stop);
    }
}

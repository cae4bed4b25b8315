package io.walship.follower;

import io.walship.protocol.Bytes;
import io.walship.protocol.Pos;
import io.walship.protocol.WalChecksum;
import io.walship.protocol.WalFormatException;
import io.walship.protocol.WalFrameHeader;
import io.walship.protocol.WalFrameScanner;
import io.walship.protocol.WalHeader;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A validated range {@code (start, end]} of one primary WAL index (spec §4.2): whole frames with the primary's
 * salts and an unbroken checksum chain, ending on a commit frame; coalesced to the latest image of each page.
 *
 * @param header    the primary's WAL header of this index
 * @param endChain  the primary's chain after the last frame (seed of the next range)
 * @param finalSize database size in pages after the last commit; 0 when the range holds no frame
 * @param pages     page number → offset of its latest image in {@code bytes}, pages above {@code finalSize} dropped
 */
record PrimaryRange(Pos start, Pos end, byte[] bytes, WalHeader header, WalChecksum endChain, int finalSize,
                    NavigableMap<Integer, Integer> pages) {

    /**
     * Validates {@code bytes} = primary WAL {@code [start.offset, end.offset)}. A range at offset 0 carries its own
     * header; a later one needs the index's header and the chain value at {@code start}.
     */
    static PrimaryRange validate(Pos start, Pos end, byte[] bytes, WalHeader knownHeader, WalChecksum seed)
            throws InvalidBatchException {
        if (!start.generation().equals(end.generation()) || start.index() != end.index()) {
            throw new InvalidBatchException("range " + start + " .. " + end + " spans generations or WAL indexes");
        }
        if (end.offset() - start.offset() != bytes.length) {
            throw new InvalidBatchException("range " + start + " .. " + end + " is " + (end.offset() - start.offset())
                    + " bytes but " + bytes.length + " bytes were given");
        }
        WalHeader header;
        WalChecksum chain;
        int off;
        if (start.offset() == 0) {
            try {
                header = WalHeader.parse(bytes);
            } catch (WalFormatException e) {
                throw new InvalidBatchException("range at " + start + ": " + e.getMessage());
            }
            chain = header.checksum();
            off = WalHeader.SIZE;
        } else {
            if (knownHeader == null || seed == null) {
                throw new InvalidBatchException("range at " + start + " needs the WAL header of its index, which is unknown");
            }
            header = knownHeader;
            chain = seed;
            off = 0;
        }
        int frameSize = header.frameSize();
        long firstFrameAt = start.offset() + off;
        if (firstFrameAt < WalHeader.SIZE || (firstFrameAt - WalHeader.SIZE) % frameSize != 0) {
            throw new InvalidBatchException("range at " + start + " does not start on a frame boundary");
        }
        int len = bytes.length - off;
        if (len % frameSize != 0) {
            throw new InvalidBatchException("range " + start + " .. " + end + " is not whole frames of " + frameSize + " bytes");
        }
        WalFrameScanner.Result scan = new WalFrameScanner(header).scan(bytes, off, len, chain);
        if (scan.stopReason() != null) {
            throw new InvalidBatchException("range " + start + " .. " + end + " is corrupt: " + scan.stopReason());
        }
        if (scan.committedBytes() != len) {
            throw new InvalidBatchException("range " + start + " .. " + end + " does not end on a commit frame");
        }
        TreeMap<Integer, Integer> pages = new TreeMap<>();
        for (int at = off; at < bytes.length; at += frameSize) {
            int pgno = Bytes.getIntBE(bytes, at);
            // SQLite counts pages as unsigned 32-bit; beyond 2^31 - 1 the follower's int arithmetic would go negative.
            if (pgno < 0 || Bytes.getIntBE(bytes, at + 4) < 0) {
                throw new InvalidBatchException("range " + start + " .. " + end + ": frame at offset "
                        + (start.offset() + at) + " names page " + Integer.toUnsignedString(pgno) + " of a database of "
                        + Integer.toUnsignedString(Bytes.getIntBE(bytes, at + 4)) + " pages; more than 2^31 - 1 pages"
                        + " is not supported");
            }
            int data = at + WalFrameHeader.SIZE;
            if (pgno == 1) {
                requireWalMode(bytes, data, "range " + start + " .. " + end);
            }
            pages.put(pgno, data);
        }
        int finalSize = scan.commitSize();
        pages.tailMap(finalSize, false).clear();
        return new PrimaryRange(start, end, bytes, header, scan.checksum(), finalSize, Collections.unmodifiableNavigableMap(pages));
    }

    /** Page 1 bytes 18 and 19 must both be 2: the primary is still in WAL mode (spec §4.2). */
    static void requireWalMode(byte[] page1, int off, String what) throws InvalidBatchException {
        if (page1[off + 18] != 2 || page1[off + 19] != 2) {
            throw new InvalidBatchException(what + ": page 1 is not in WAL mode (header bytes 18/19 = "
                    + page1[off + 18] + "/" + page1[off + 19] + ")");
        }
    }

    int pageSize() {
        return header.pageSize();
    }

    boolean hasFrames() {
        return finalSize > 0;
    }
}

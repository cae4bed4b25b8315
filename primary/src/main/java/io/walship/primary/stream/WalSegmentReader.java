package io.walship.primary.stream;

import io.walship.protocol.Bytes;
import io.walship.protocol.Pos;
import io.walship.protocol.WalFormatException;
import io.walship.protocol.WalFrameHeader;
import io.walship.protocol.WalHeader;
import java.io.IOException;

/**
 * Reads ranges of a shadow WAL (byte-exact copies of the primary's WAL) and cuts them into segments that end on
 * a commit frame, so every segment end is a position a follower can stop at.
 */
final class WalSegmentReader {
    private WalSegmentReader() {
    }

    /**
     * @param partial true when even one transaction did not fit: {@code end} is then a frame boundary inside it
     * @param data    the bytes [start.offset, end.offset) in {@code data[0, length)}
     */
    record Segment(Pos start, Pos end, boolean partial, byte[] data, int length) {
    }

    /** Frame size (24 + page size) of an index, from its shadow WAL header. */
    static int frameSize(StreamedDatabase db, String gen, long index) throws IOException {
        try {
            return WalHeader.parse(db.readShadow(gen, index, 0, WalHeader.SIZE)).frameSize();
        } catch (WalFormatException e) {
            throw new IOException(db.path() + ": shadow WAL " + index + ": " + e.getMessage(), e);
        }
    }

    /** Offsets a position may have: 0, the end of the header, or the end of a frame. */
    static boolean onFrameBoundary(long offset, int frameSize) {
        return offset == 0 || (offset >= WalHeader.SIZE && (offset - WalHeader.SIZE) % frameSize == 0);
    }

    /** True if {@code offset} (on a frame boundary) is not inside a transaction. */
    static boolean endsTransaction(StreamedDatabase db, Pos p, int frameSize) throws IOException {
        if (p.offset() <= WalHeader.SIZE) {
            return true;
        }
        byte[] h = db.readShadow(p.generation(), p.index(), p.offset() - frameSize, WalFrameHeader.SIZE);
        return WalFrameHeader.parse(h, 0).isCommit();
    }

    /**
     * The next segment from {@code from} (0 or a frame boundary) towards {@code available} (the committed length),
     * at most {@code maxBytes} long: ending on the last commit frame that fits, or partial if none does.
     */
    static Segment next(StreamedDatabase db, Pos from, long available, int frameSize, int maxBytes) throws IOException {
        long s = from.offset();
        if (available - s <= maxBytes) {
            int len = (int) (available - s);
            byte[] b = db.readShadow(from.generation(), from.index(), s, len);
            return new Segment(from, at(from, available), false, b, len);
        }
        long firstFrame = Math.max(s, WalHeader.SIZE);
        long frames = (s + maxBytes - firstFrame) / frameSize;
        long e = firstFrame + frames * frameSize;
        byte[] b = db.readShadow(from.generation(), from.index(), s, (int) (e - s));
        for (long k = frames - 1; k >= 0; k--) {
            int h = (int) (firstFrame - s + k * frameSize);
            if (Bytes.getIntBE(b, h + 4) != 0) {
                long cut = firstFrame + (k + 1) * frameSize;
                return new Segment(from, at(from, cut), false, b, (int) (cut - s));
            }
        }
        return new Segment(from, at(from, e), true, b, b.length);
    }

    private static Pos at(Pos p, long offset) {
        return new Pos(p.generation(), p.index(), offset);
    }
}

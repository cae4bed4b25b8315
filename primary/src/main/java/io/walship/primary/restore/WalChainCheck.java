package io.walship.primary.restore;

import io.walship.protocol.WalChecksum;
import io.walship.protocol.WalFrameHeader;
import io.walship.protocol.WalFrameScanner;
import io.walship.protocol.WalHeader;
import java.util.Locale;

/**
 * Checks one index's WAL frame by frame while it streams to disk, with SQLite's recovery rules
 * ({@link WalFrameScanner}). SQLite would silently stop at the first bad frame and drop every later transaction;
 * a restore must instead fail and say where. Memory: one frame.
 */
final class WalChainCheck {
    private final String generation;
    private final long index;
    private final WalFrameScanner scanner;
    private final byte[] frame;
    private int fill;
    /** WAL offset of the frame being filled. */
    private long frameOffset = WalHeader.SIZE;
    /** WAL offset just after the last valid commit frame. */
    private long committedEnd = WalHeader.SIZE;
    private WalChecksum chain;
    private String object;

    WalChainCheck(String generation, long index, WalHeader header) {
        this.generation = generation;
        this.index = index;
        this.scanner = new WalFrameScanner(header);
        this.frame = new byte[header.frameSize()];
        this.chain = header.checksum();
    }

    /** Names the object whose bytes follow, for messages. */
    void object(String name) {
        object = name;
    }

    void update(byte[] b, int off, int len) throws RestoreException {
        while (len > 0) {
            int n = Math.min(len, frame.length - fill);
            System.arraycopy(b, off, frame, fill, n);
            fill += n;
            off += n;
            len -= n;
            if (fill == frame.length) {
                checkFrame();
            }
        }
    }

    private void checkFrame() throws RestoreException {
        WalFrameScanner.Result r = scanner.scan(frame, 0, frame.length, chain);
        if (r.stopReason() != null) {
            // The scanner reports the position relative to the buffer (always 0 here); keep only the cause.
            String reason = r.stopReason();
            int at = reason.indexOf(" at ");
            throw broken(frameOffset, at > 0 ? reason.substring(0, at) : reason);
        }
        // The frame verified, so its stored checksum is the running chain value, commit frame or not.
        chain = WalFrameHeader.parse(frame, 0).checksum();
        frameOffset += frame.length;
        fill = 0;
        if (r.commitSize() != 0) {
            committedEnd = frameOffset;
        }
    }

    /** All bytes seen: anything after the last commit frame is data SQLite would drop. */
    void finish() throws RestoreException {
        if (fill > 0) {
            throw broken(frameOffset, "partial frame of " + fill + " bytes at the end");
        }
        if (committedEnd < frameOffset) {
            throw broken(committedEnd, (frameOffset - committedEnd) / frame.length + " frame(s) after the last commit frame");
        }
    }

    /** Bytes of WAL checked, header included. */
    long length() {
        return frameOffset + fill;
    }

    private RestoreException broken(long offset, String reason) {
        return new RestoreException(String.format(Locale.ROOT, "corrupt WAL: generation=%s index=%08x offset=%d (%s): %s",
                generation, index, offset, object, reason));
    }
}

package io.walship.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * The database exactly as of a commit: the database file with the newest copy of every page from the WAL's frames
 * before that commit's end laid over it, cut to the size that commit recorded. The primary writes its snapshots so
 * (from its shadow WAL), a relaying follower its own database (from its local WAL).
 *
 * <p>Why not the bare database file, as Litestream copies it: checkpoints (SQLite's automatic ones in the
 * application, or walship's) may have copied only some of that index's frames into the file, so the file alone can
 * mix page versions. A restore that finds a snapshot but none of its index's WAL segments (walship killed right
 * after uploading the snapshot) would restore that mix; this image restores to a committed state on its own, and
 * replaying the index's WAL from offset 0 on top of it is still exact.
 */
public final class DatabaseImage {
    private DatabaseImage() {
    }

    /**
     * Writes the image for the commit ending at {@code end} of {@code wal} (its frames before {@code end} all
     * valid; {@code end} 0 or 32 for none) over the database file {@code db}.
     */
    public static void write(FileChannel db, FileChannel wal, int pageSize, long end, OutputStream out)
            throws IOException {
        int frameSize = WalFrameHeader.SIZE + pageSize;
        long frames = Math.max(0, end - WalHeader.SIZE) / frameSize;
        long[] newest = new long[(int) frames];
        int commitPages = 0;
        byte[] fh = new byte[WalFrameHeader.SIZE];
        for (int i = 0; i < frames; i++) {
            readFully(wal, fh, WalFrameHeader.SIZE, WalHeader.SIZE + (long) i * frameSize);
            int pgno = Bytes.getIntBE(fh, 0);
            int commit = Bytes.getIntBE(fh, 4);
            if (commit != 0) {
                commitPages = commit;
            }
            newest[i] = ((long) pgno << 32) | i;
        }
        // Sorted by (page, frame): the last entry of each page is its newest copy.
        Arrays.sort(newest);
        long pages = frames == 0 ? db.size() / pageSize : commitPages;
        byte[] page = new byte[pageSize];
        int next = 0;
        for (long p = 1; p <= pages; p++) {
            while (next < newest.length && (newest[next] >>> 32) < p) {
                next++;
            }
            int frame = -1;
            while (next < newest.length && (newest[next] >>> 32) == p) {
                frame = (int) newest[next];
                next++;
            }
            if (frame >= 0) {
                readFully(wal, page, pageSize, WalHeader.SIZE + (long) frame * frameSize + WalFrameHeader.SIZE);
            } else if (!read(db, page, pageSize, (p - 1) * pageSize)) {
                throw new IOException("database file is shorter than page " + p + " of the committed state");
            }
            out.write(page, 0, pageSize);
        }
    }

    private static void readFully(FileChannel ch, byte[] b, int len, long pos) throws IOException {
        if (!read(ch, b, len, pos)) {
            throw new IOException("unexpected end of file at offset " + pos);
        }
    }

    /** False if the file ends first. */
    private static boolean read(FileChannel ch, byte[] b, int len, long pos) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, len);
        while (bb.hasRemaining()) {
            if (ch.read(bb, pos + bb.position()) < 0) {
                return false;
            }
        }
        return true;
    }
}

package io.walship.protocol;

/**
 * Block buffers shared by {@link Lz4FrameReader}s that run one after another, such as the segments of one WAL
 * index: a frame of 4 MiB blocks needs 8 MiB, which would otherwise be allocated anew for every object. Not
 * thread-safe; a reader owns the buffers until it is done, the next reader may then overwrite them.
 */
public final class Lz4Buffers {
    private static final int MIN_COMPRESSED = 64 * 1024;
    private byte[] compressed = new byte[0];
    private byte[] decoded = new byte[0];

    /**
     * At least {@code size} bytes for a compressed block, grown in powers of two up to {@code max} (the frame's
     * block size): a small object, such as most WAL segments, never needs the full 4 MiB.
     */
    byte[] compressed(int size, int max) {
        if (compressed.length < size) {
            compressed = new byte[Math.min(max, Math.max(MIN_COMPRESSED, Integer.highestOneBit(size - 1) << 1))];
        }
        return compressed;
    }

    /** At least {@code size} bytes for decoded output (and the window of linked blocks). */
    byte[] decoded(int size) {
        if (decoded.length < size) {
            decoded = new byte[size];
        }
        return decoded;
    }
}

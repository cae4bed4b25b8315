package io.walship.protocol;

/**
 * Block buffers shared by {@link Lz4FrameReader}s that run one after another, such as the segments of one WAL
 * index: a frame of 4 MiB blocks needs 8 MiB, which would otherwise be allocated anew for every object. Not
 * thread-safe; a reader owns the buffers until it is done, the next reader may then overwrite them.
 */
public final class Lz4Buffers {
    private byte[] compressed = new byte[0];
    private byte[] decoded = new byte[0];

    /** At least {@code size} bytes for a compressed block. */
    byte[] compressed(int size) {
        if (compressed.length < size) {
            compressed = new byte[size];
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

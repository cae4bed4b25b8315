package io.walship.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * Writes exactly the LZ4 frames Litestream v0.3.13 writes: FLG 0x64 (independent blocks, content checksum),
 * BD 0x70 (4 MiB blocks), no block checksum (Litestream rejects those), no content size. One frame per object.
 */
public final class Lz4FrameWriter {
    private Lz4FrameWriter() {
    }

    /** Wraps {@code out}; closing the returned stream finishes the frame and closes {@code out}. */
    public static OutputStream open(OutputStream out) throws IOException {
        return new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB,
                LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
    }

    public static byte[] compress(byte[] data, int off, int len) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(Math.max(64, len / 2));
        try (OutputStream out = open(bos)) {
            out.write(data, off, len);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory LZ4 compression failed", e);
        }
        return bos.toByteArray();
    }

    public static byte[] compress(byte[] data) {
        return compress(data, 0, data.length);
    }
}

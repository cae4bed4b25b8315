package io.walship.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Replica objects are LZ4 frames from storage anyone with bucket access can write. The reader must turn any bytes
 * into either the frame's content or an {@link IOException} naming the object; the linked-block decoder (our own
 * code, not lz4-java's) must never reach outside its buffers and must agree with lz4-java wherever both apply.
 */
class Lz4FrameFuzzTest {
    private static final LZ4SafeDecompressor REFERENCE = LZ4Factory.safeInstance().safeDecompressor();
    private static final LZ4Compressor COMPRESSOR = LZ4Factory.safeInstance().fastCompressor();
    private static final int BLOCK_CAPACITY = 64 * 1024;

    @FuzzTest
    void readsAnyObject(byte[] data) {
        try {
            Lz4FrameReader.decompress(data, "fuzz.wal.lz4");
        } catch (IOException e) {
            assertThat(e.getMessage()).startsWith("fuzz.wal.lz4: ").doesNotContain("\n");
        }
    }

    @FuzzTest
    void roundTrip(byte[] data) throws IOException {
        assertThat(Lz4FrameReader.decompress(Lz4FrameWriter.compress(data), "round trip")).isEqualTo(data);
    }

    /**
     * Frames without block independence take the reader's own decoder and history window. lz4-java writes them
     * (its blocks never reach back, but the reader cannot know); the first byte stretches the content over several
     * 64 KiB blocks.
     */
    @FuzzTest
    void linkedFrameRoundTrip(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        int blocks = data[0] & 3;
        byte[] content = new byte[blocks * 64 * 1024 + data.length];
        for (int i = 0; i < content.length; i += data.length) {
            System.arraycopy(data, 0, content, i, Math.min(data.length, content.length - i));
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream out = new LZ4FrameOutputStream(frame, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)) {
            out.write(content);
        }
        assertThat(frame.toByteArray()[4] & 0x20).as("linked blocks").isZero();
        assertThat(Lz4FrameReader.decompress(frame.toByteArray(), "linked")).isEqualTo(content);
    }

    /**
     * The first byte sets how much earlier output (history) a linked block may copy from; the rest is the block.
     * Without history the result must equal lz4-java's whenever lz4-java accepts the block.
     */
    @FuzzTest
    void blockDecoder(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int history = (data[0] & 0xff) * 257;
        byte[] block = Arrays.copyOfRange(data, 1, data.length);
        byte[] dst = new byte[history + BLOCK_CAPACITY];
        Arrays.fill(dst, 0, history, (byte) 'h');
        int n = Lz4BlockDecoder.decode(block, 0, block.length, dst, history, dst.length, 0);
        assertThat(n).isBetween(-1, BLOCK_CAPACITY);

        byte[] alone = new byte[BLOCK_CAPACITY];
        int ours = Lz4BlockDecoder.decode(block, 0, block.length, alone, 0, alone.length, 0);
        byte[] expected = new byte[BLOCK_CAPACITY];
        int theirs;
        try {
            theirs = REFERENCE.decompress(block, 0, block.length, expected, 0, expected.length);
        } catch (LZ4Exception e) {
            return;
        }
        assertThat(ours).isEqualTo(theirs);
        assertThat(Arrays.copyOf(alone, ours)).isEqualTo(Arrays.copyOf(expected, theirs));
    }

    @FuzzTest
    void blockDecoderReadsWhatLz4JavaWrote(byte[] data) {
        byte[] packed = COMPRESSOR.compress(data);
        byte[] out = new byte[data.length];
        assertThat(Lz4BlockDecoder.decode(packed, 0, packed.length, out, 0, out.length, 0)).isEqualTo(data.length);
        assertThat(out).isEqualTo(data);
    }
}

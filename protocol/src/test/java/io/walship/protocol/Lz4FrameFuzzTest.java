package io.walship.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Replica objects are LZ4 frames from storage anyone with bucket access can write. The reader must turn any bytes
 * into either the frame's content or an {@link IOException} naming the object; the linked-block decoder (our own
 * code, not lz4-java's) must never reach outside its buffers and must agree with lz4-java wherever both apply.
 */
class Lz4FrameFuzzTest {
    private static final LZ4SafeDecompressor REFERENCE = LZ4Factory.safeInstance().safeDecompressor();
    private static final LZ4Compressor COMPRESSOR = LZ4Factory.safeInstance().fastCompressor();
    private static final XXHash32 XXH32 = XXHashFactory.safeInstance().hash32();
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
     * Frames without block independence take the reader's own decoder and its 64 KiB history window. The input is
     * repeated into content of up to four blocks of 64 KiB, cut into blocks of a size the first byte picks; each block
     * is stored, compressed on its own, or (once the content repeats) one match reaching back into earlier blocks.
     */
    @FuzzTest
    void linkedFrameRoundTrip(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        byte[] content = new byte[(data[0] & 3) * 64 * 1024 + data.length];
        for (int i = 0; i < content.length; i += data.length) {
            System.arraycopy(data, 0, content, i, Math.min(data.length, content.length - i));
        }
        int blockSize = 1 + (data[0] & 0xff) * 257;
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        byte[] descriptor = {0x44, 0x40};
        frame.writeBytes(new byte[] {0x04, 0x22, 0x4d, 0x18, 0x44, 0x40,
            (byte) (XXH32.hash(descriptor, 0, 2, 0) >>> 8)});
        for (int at = 0, n = 0; at < content.length; at += blockSize, n++) {
            int len = Math.min(blockSize, content.length - at);
            int choice = data[n % data.length] & 3;
            byte[] block;
            boolean stored = false;
            if (choice == 0 && at >= data.length && data.length <= 0xffff && len >= 4) {
                block = matchOnly(data.length, len);
            } else if (choice == 1) {
                block = COMPRESSOR.compress(Arrays.copyOfRange(content, at, at + len));
            } else {
                block = Arrays.copyOfRange(content, at, at + len);
                stored = true;
            }
            writeIntLE(frame, block.length | (stored ? 0x80000000 : 0));
            frame.writeBytes(block);
        }
        writeIntLE(frame, 0);
        writeIntLE(frame, XXH32.hash(content, 0, content.length, 0));
        assertThat(Lz4FrameReader.decompress(frame.toByteArray(), "linked")).isEqualTo(content);
    }

    /** An LZ4 block of one sequence without literals: copy {@code length} bytes from {@code offset} back. */
    private static byte[] matchOnly(int offset, int length) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int extra = length - 4;
        b.write(Math.min(extra, 15));
        b.write(offset & 0xff);
        b.write(offset >>> 8);
        if (extra >= 15) {
            for (extra -= 15; extra >= 255; extra -= 255) {
                b.write(255);
            }
            b.write(extra);
        }
        return b.toByteArray();
    }

    private static void writeIntLE(ByteArrayOutputStream out, int v) {
        byte[] b = new byte[4];
        Bytes.putIntLE(b, 0, v);
        out.writeBytes(b);
    }

    /**
     * The first byte sets how much earlier output (history) a linked block may copy from; the rest is the block.
     * Without history the result must equal lz4-java's whenever both accept the block. Either may refuse what the
     * other takes: lz4-java lets a match of offset 0 copy not-yet-written output, which the LZ4 format forbids; the
     * reader here does not insist on the format's end-of-block rules, which only help fast decoders.
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
        if (ours < 0) {
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

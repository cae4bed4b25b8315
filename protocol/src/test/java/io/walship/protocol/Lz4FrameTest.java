package io.walship.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.Random;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.Test;

class Lz4FrameTest {

    @Test
    void writesLitestreamFrameHeader() {
        byte[] frame = Lz4FrameWriter.compress(new byte[466]);
        // magic, FLG 0x64 (independent blocks + content checksum), BD 0x70 (4 MiB), HC 0xB9: replica-format.md §2
        assertThat(Arrays.copyOf(frame, 7)).containsExactly(0x04, 0x22, 0x4d, 0x18, 0x64, 0x70, 0xb9);
    }

    @Test
    void emptyInputIsAValidFifteenByteFrame() throws Exception {
        byte[] frame = Lz4FrameWriter.compress(new byte[0]);
        assertThat(frame).hasSize(15);
        assertThat(Lz4FrameReader.decompress(frame, "empty")).isEmpty();
    }

    @Test
    void roundTripsAcrossSeveralBlocks() throws Exception {
        byte[] data = new byte[10 * 1024 * 1024 + 123];
        Random r = new Random(1);
        for (int i = 0; i < data.length; i += 64) {
            data[i] = (byte) r.nextInt();
        }
        byte[] frame = Lz4FrameWriter.compress(data);
        assertThat(Lz4FrameReader.decompress(frame, "big")).isEqualTo(data);
    }

    @Test
    void readsLinkedBlockFrameFromLz4Cli() throws Exception {
        byte[] frame = Vectors.load("linked-blocks.txt.lz4");
        assertThat(frame[4] & 0xff).as("FLG without block independence").isEqualTo(0x44);
        assertThat(Lz4FrameReader.decompress(frame, "linked")).isEqualTo(Vectors.lz4VectorText());
    }

    @Test
    void readsBlockChecksumFrameFromLz4Cli() throws Exception {
        byte[] frame = Vectors.load("block-checksum.txt.lz4");
        assertThat(frame[4] & 0x10).as("block checksum flag").isEqualTo(0x10);
        assertThat(Lz4FrameReader.decompress(frame, "blockck")).isEqualTo(Vectors.lz4VectorText());
    }

    @Test
    void readersSharingBuffersEachDecodeTheirOwnFrame() throws Exception {
        Lz4Buffers shared = new Lz4Buffers();
        byte[] big = new byte[5 * 1024 * 1024];
        new Random(2).nextBytes(big);
        byte[][] frames = {Lz4FrameWriter.compress(big), Vectors.load("linked-blocks.txt.lz4"),
            Lz4FrameWriter.compress("small".getBytes()), Vectors.load("linked-blocks.txt.lz4")};
        byte[][] want = {big, Vectors.lz4VectorText(), "small".getBytes(), Vectors.lz4VectorText()};
        for (int i = 0; i < frames.length; i++) {
            try (Lz4FrameReader r = new Lz4FrameReader(new ByteArrayInputStream(frames[i]), "frame " + i, shared)) {
                assertThat(r.readAllBytes()).as("frame %d after the buffers held others", i).isEqualTo(want[i]);
            }
        }
    }

    @Test
    void rejectsTruncatedFrame() {
        byte[] frame = Lz4FrameWriter.compress(Vectors.lz4VectorText());
        byte[] cut = Arrays.copyOf(frame, frame.length - 9);
        assertThatThrownBy(() -> Lz4FrameReader.decompress(cut, "wal/00000000_00000000.wal.lz4"))
                .isInstanceOf(EOFException.class)
                .hasMessageStartingWith("wal/00000000_00000000.wal.lz4: truncated LZ4 frame");
    }

    @Test
    void rejectsCorruptedContent() {
        byte[] frame = Lz4FrameWriter.compress(Vectors.lz4VectorText());
        frame[frame.length / 2] ^= 0x5a;
        assertThatThrownBy(() -> Lz4FrameReader.decompress(frame, "obj"))
                .isInstanceOf(Lz4FrameReader.Lz4FormatException.class)
                .hasMessageStartingWith("obj: ");
    }

    @Test
    void rejectsTrailingSecondFrame() {
        byte[] a = Lz4FrameWriter.compress("first".getBytes());
        byte[] b = Lz4FrameWriter.compress("second".getBytes());
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertThatThrownBy(() -> Lz4FrameReader.decompress(both, "obj")).hasMessageContaining("trailing bytes");
    }

    @Test
    void rejectsNonLz4() {
        assertThatThrownBy(() -> new Lz4FrameReader(new ByteArrayInputStream("SQLite format 3".getBytes()), "x"))
                .hasMessageContaining("not an LZ4 frame");
    }

    @Test
    void skipsSkippableFramesBeforeData() throws Exception {
        byte[] data = Lz4FrameWriter.compress("payload".getBytes());
        byte[] skippable = {0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3};
        byte[] both = Arrays.copyOf(skippable, skippable.length + data.length);
        System.arraycopy(data, 0, both, skippable.length, data.length);
        assertThat(new String(Lz4FrameReader.decompress(both, "x"))).isEqualTo("payload");
    }

    /** Found by Lz4FrameFuzzTest: a skippable frame longer than the object ended in an EOFException without a message. */
    @Test
    void rejectsSkippableFrameLongerThanTheObject() {
        byte[] object = {0x50, 0x2a, 0x4d, 0x18, 0x04, 0x22, 0x4d, 0x18};
        assertThatThrownBy(() -> Lz4FrameReader.decompress(object, "obj")).isInstanceOf(EOFException.class)
                .hasMessage("obj: truncated LZ4 frame (unexpected end while reading a skippable frame of 407708164 bytes)");
    }

    /** A content size of 2^63 or more once read as "no content size", so the size check was skipped. */
    @Test
    void rejectsContentSizeThatDoesNotMatch() {
        byte[] desc = {0x68, 0x40, -1, -1, -1, -1, -1, -1, -1, -1};
        int hc = (XXHashFactory.safeInstance().hash32().hash(desc, 0, desc.length, 0) >>> 8) & 0xff;
        byte[] object = {0x04, 0x22, 0x4d, 0x18, 0x68, 0x40, -1, -1, -1, -1, -1, -1, -1, -1, (byte) hc,
            3, 0, 0, (byte) 0x80, 'a', 'b', 'c', 0, 0, 0, 0};
        assertThatThrownBy(() -> Lz4FrameReader.decompress(object, "obj"))
                .isInstanceOf(Lz4FrameReader.Lz4FormatException.class)
                .hasMessage("obj: LZ4 content size mismatch: header says 18446744073709551615, decoded 3");
    }

    @Test
    void blockDecoderRejectsOffsetsBeforeHistory() {
        // token: 1 literal, match length 4; literal 'a'; offset 5 reaches before the floor.
        byte[] src = {0x10, 'a', 5, 0, 0x00};
        byte[] dst = new byte[64];
        assertThat(Lz4BlockDecoder.decode(src, 0, 4, dst, 0, 64, 0)).isEqualTo(-1);
        byte[] ok = {0x10, 'a', 1, 0, 0x10, 'b'};
        assertThat(Lz4BlockDecoder.decode(ok, 0, ok.length, dst, 0, 64, 0)).isEqualTo(6);
        assertThat(new String(dst, 0, 6)).isEqualTo("aaaaab");
    }
}

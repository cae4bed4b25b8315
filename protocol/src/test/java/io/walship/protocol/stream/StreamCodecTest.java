package io.walship.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.walship.protocol.Pos;
import io.walship.protocol.stream.proto.Compression;
import io.walship.protocol.stream.proto.EndCode;
import io.walship.protocol.stream.proto.Payload;
import io.walship.protocol.stream.proto.SnapshotReason;
import io.walship.protocol.stream.proto.StreamRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Byte-exact vectors (also printed in protocol/README.md), then the decoder's checks one by one. */
class StreamCodecTest {
    private static final String GEN = "a1b2c3d4e5f60718";
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    /** Heartbeat at a1b2c3d4e5f60718/0000000000000003:0000000000001038, time 1700000000000. */
    static final String HEARTBEAT_VECTOR =
            "19 3a 17 0a 0e 09 18 07 f6 e5 d4 c3 b2 a1 10 03 18 b8 20 10 80 d0 95 ff bc 31";

    /** Uncompressed WAL segment [0x20, 0x29) of index 1 carrying "123456789" (CRC-32C check value e3069283). */
    static final String SEGMENT_VECTOR = "34 32 32 0a 0d 09 18 07 f6 e5 d4 c3 b2 a1 10 01 18 20 12 0d 09 18 07 f6 e5"
            + " d4 c3 b2 a1 10 01 18 29 2a 12 0a 09 31 32 33 34 35 36 37 38 39 18 09 25 83 92 06 e3";

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    private static List<DecodedRecord> decodeAll(byte[] wire) throws StreamFormatException {
        StreamDecoder d = new StreamDecoder();
        d.feed(wire);
        List<DecodedRecord> out = new ArrayList<>();
        for (DecodedRecord r; (r = d.next()) != null; ) {
            out.add(r);
        }
        d.finish();
        return out;
    }

    @Test
    void heartbeatEncodesToTheDocumentedBytes() throws Exception {
        StreamRecord hb = StreamRecords.heartbeat(new Pos(GEN, 3, 0x1038), 1_700_000_000_000L);
        assertThat(HEX.formatHex(StreamRecordEncoder.encode(hb))).isEqualTo(HEARTBEAT_VECTOR);

        DecodedRecord r = decodeAll(hex(HEARTBEAT_VECTOR)).get(0);
        assertThat(r.kind()).isEqualTo(StreamRecord.KindCase.HEARTBEAT);
        assertThat(StreamPositions.fromProto(r.record().getHeartbeat().getPrimaryPosition()))
                .isEqualTo(Pos.parse(GEN + "/0000000000000003:0000000000001038"));
        assertThat(r.record().getHeartbeat().getServerTimeMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(r.payload()).isNull();
    }

    @Test
    void walSegmentEncodesToTheDocumentedBytes() throws Exception {
        byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
        StreamRecord seg = StreamRecords.walSegment(new Pos(GEN, 1, 0x20), new Pos(GEN, 1, 0x29), null, false,
                Payloads.of(data, 0, data.length, false));
        assertThat(HEX.formatHex(StreamRecordEncoder.encode(seg))).isEqualTo(SEGMENT_VECTOR);
        assertThat(seg.getWalSegment().getPayload().getCrc32C()).isEqualTo(0xe3069283);

        DecodedRecord r = decodeAll(hex(SEGMENT_VECTOR)).get(0);
        assertThat(r.kind()).isEqualTo(StreamRecord.KindCase.WAL_SEGMENT);
        assertThat(r.payload()).isEqualTo(data);
        assertThat(StreamPositions.fromProto(r.record().getWalSegment().getEnd()).offset()).isEqualTo(0x29);
    }

    @Test
    void decodesAHandWrittenLz4Block() throws Exception {
        // 32 x 'a': literal 'a', match offset 1 length 26 (token 0x1f + extra 7), then 5 final literals
        byte[] block = hex("1f 61 01 00 07 50 61 61 61 61 61");
        byte[] expected = new byte[32];
        Arrays.fill(expected, (byte) 'a');
        Payload p = Payload.newBuilder().setData(ByteString.copyFrom(block))
                .setCompression(Compression.COMPRESSION_LZ4_BLOCK).setLength(32).setCrc32C(0xb980f10b).build();
        assertThat(Payloads.open(p, 1024)).isEqualTo(expected);
    }

    @Test
    void compressesOnlyWhenItHelps() throws Exception {
        byte[] zeros = new byte[100_000];
        Payload small = Payloads.of(zeros, 0, zeros.length, true);
        assertThat(small.getCompression()).isEqualTo(Compression.COMPRESSION_LZ4_BLOCK);
        assertThat(small.getData().size()).isLessThan(1000);
        assertThat(Payloads.open(small, zeros.length)).isEqualTo(zeros);

        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Payload raw = Payloads.of(noise, 0, noise.length, true);
        assertThat(raw.getCompression()).isEqualTo(Compression.COMPRESSION_NONE);
        assertThat(Payloads.open(raw, noise.length)).isEqualTo(noise);
    }

    @Test
    void everyKindRoundTripsInOneStream() throws Exception {
        Pos p = new Pos("ffffffffffffffff", 7, 4152);
        byte[] img = new byte[10_000];
        new Random(1).nextBytes(img);
        byte[] wal = new byte[32 + 4120];
        new Random(2).nextBytes(wal);
        List<StreamRecord> sent = List.of(
                StreamRecords.hello("app.db", 4096, p, 1, 1000, 1 << 20, null),
                StreamRecords.resnapshot(SnapshotReason.SNAPSHOT_REASON_NO_POSITION, "no position"),
                StreamRecords.snapshotBegin(new Pos(p.generation(), 7, 0), img.length, 4096),
                StreamRecords.snapshotChunk(0, Payloads.of(img, 0, 6000, true)),
                StreamRecords.snapshotChunk(6000, Payloads.of(img, 6000, 4000, true)),
                StreamRecords.snapshotEnd(img.length, Payloads.crc32c(img, 0, img.length), p),
                StreamRecords.walSegment(new Pos(p.generation(), 7, 0), new Pos(p.generation(), 7, wal.length),
                        new Pos(p.generation(), 6, 8272), false, Payloads.of(wal, 0, wal.length, true)),
                StreamRecords.heartbeat(p, 2),
                StreamRecords.end(EndCode.END_CODE_SHUTDOWN, "bye"));
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        for (StreamRecord r : sent) {
            bos.write(StreamRecordEncoder.encode(r));
        }
        List<DecodedRecord> got = new ArrayList<>();
        try (StreamRecordReader reader = new StreamRecordReader(new ByteArrayInputStream(bos.toByteArray()))) {
            for (DecodedRecord r; (r = reader.read()) != null; ) {
                got.add(r);
            }
        }
        assertThat(got).extracting(DecodedRecord::record).containsExactlyElementsOf(sent);
        assertThat(got.get(3).payload()).isEqualTo(Arrays.copyOfRange(img, 0, 6000));
        assertThat(got.get(6).payload()).isEqualTo(wal);
        assertThat(StreamPositions.fromProto(got.get(0).record().getHello().getPrimaryPosition())).isEqualTo(p);
    }

    @Test
    void recordsSplitAcrossFeedsComeOutWhole() throws Exception {
        byte[] wire = hex(SEGMENT_VECTOR + " " + HEARTBEAT_VECTOR);
        StreamDecoder d = new StreamDecoder();
        List<DecodedRecord> got = new ArrayList<>();
        for (byte b : wire) {
            d.feed(ByteBuffer.wrap(new byte[] {b}));
            for (DecodedRecord r; (r = d.next()) != null; ) {
                got.add(r);
            }
        }
        d.finish();
        assertThat(got).extracting(DecodedRecord::kind)
                .containsExactly(StreamRecord.KindCase.WAL_SEGMENT, StreamRecord.KindCase.HEARTBEAT);
        assertThat(d.buffered()).isZero();
    }

    @Test
    void truncatedStreamIsReportedAtFinish() throws Exception {
        byte[] wire = hex(SEGMENT_VECTOR);
        StreamDecoder d = new StreamDecoder();
        d.feed(wire, 0, wire.length - 1);
        assertThat(d.next()).isNull();
        assertThatThrownBy(d::finish).isInstanceOf(StreamFormatException.class)
                .hasMessageContaining("truncated").hasMessageContaining("52 bytes into a record");

        StreamRecordReader reader = new StreamRecordReader(new ByteArrayInputStream(Arrays.copyOf(wire, 10)));
        assertThatThrownBy(reader::read).isInstanceOf(StreamFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void corruptedPayloadFailsTheChecksum() {
        byte[] wire = hex(SEGMENT_VECTOR);
        wire[40] ^= 0x01; // inside "123456789"
        assertThatThrownBy(() -> decodeAll(wire)).isInstanceOf(StreamFormatException.class)
                .hasMessageContaining("payload checksum mismatch").hasMessageContaining("stream offset 0");
    }

    @Test
    void corruptedCompressedPayloadIsRejected() {
        byte[] zeros = new byte[50_000];
        Payload p = Payloads.of(zeros, 0, zeros.length, true);
        byte[] data = p.getData().toByteArray();
        data[data.length / 2] ^= 0x40;
        Payload bad = p.toBuilder().setData(ByteString.copyFrom(data)).build();
        assertThatThrownBy(() -> Payloads.open(bad, zeros.length)).isInstanceOf(StreamFormatException.class);
    }

    @Test
    void oversizeLengthIsRejectedBeforeTheBodyArrives() {
        StreamDecoder d = new StreamDecoder(100);
        d.feed(new byte[] {(byte) 0xe5, 0x00}); // varint 101
        assertThatThrownBy(d::next).isInstanceOf(StreamFormatException.class)
                .hasMessage("record of 101 bytes at stream offset 0 exceeds the limit of 100 bytes");

        StreamDecoder big = new StreamDecoder();
        big.feed(hex("ff ff ff ff 0f")); // 2^32 - 1
        assertThatThrownBy(big::next).isInstanceOf(StreamFormatException.class).hasMessageContaining("exceeds the limit");
    }

    @Test
    void malformedLengthAndGarbageAreRejected() {
        StreamDecoder d = new StreamDecoder();
        d.feed(hex("ff ff ff ff ff ff"));
        assertThatThrownBy(d::next).isInstanceOf(StreamFormatException.class).hasMessageContaining("malformed record length");

        StreamDecoder g = new StreamDecoder();
        g.feed(hex("03 ff ff ff"));
        assertThatThrownBy(g::next).isInstanceOf(StreamFormatException.class).hasMessageContaining("unparsable record");

        StreamDecoder empty = new StreamDecoder();
        empty.feed(hex("00"));
        assertThatThrownBy(empty::next).isInstanceOf(StreamFormatException.class).hasMessageContaining("empty record");

        StreamDecoder unknown = new StreamDecoder();
        unknown.feed(hex("02 78 01")); // field 15 varint 1: a kind this version does not know
        assertThatThrownBy(unknown::next).isInstanceOf(StreamFormatException.class)
                .hasMessageContaining("unknown kind");
    }

    @Test
    void inconsistentSegmentsAreRejected() {
        byte[] nine = "123456789".getBytes(StandardCharsets.US_ASCII);
        Payload p = Payloads.of(nine, 0, 9, false);
        StreamRecord wrongLength = StreamRecords.walSegment(new Pos(GEN, 1, 32), new Pos(GEN, 1, 50), null, false, p);
        assertThatThrownBy(() -> decodeAll(StreamRecordEncoder.encode(wrongLength)))
                .isInstanceOf(StreamFormatException.class).hasMessageContaining("carries 9 bytes");

        StreamRecord twoIndexes = StreamRecords.walSegment(new Pos(GEN, 1, 32), new Pos(GEN, 2, 41), null, false, p);
        assertThatThrownBy(() -> decodeAll(StreamRecordEncoder.encode(twoIndexes)))
                .isInstanceOf(StreamFormatException.class).hasMessageContaining("spans two WAL indexes");

        StreamRecord badPrevious = StreamRecords.walSegment(new Pos(GEN, 3, 32), new Pos(GEN, 3, 41),
                new Pos(GEN, 2, 100), false, p);
        assertThatThrownBy(() -> decodeAll(StreamRecordEncoder.encode(badPrevious)))
                .isInstanceOf(StreamFormatException.class).hasMessageContaining("is not the index before");

        StreamRecord noHeader = StreamRecords.walSegment(new Pos(GEN, 3, 0), new Pos(GEN, 3, 9), null, false, p);
        assertThatThrownBy(() -> decodeAll(StreamRecordEncoder.encode(noHeader)))
                .isInstanceOf(StreamFormatException.class).hasMessageContaining("shorter than a WAL header");
    }

    @Test
    void helloOfAnotherProtocolVersionIsRejected() {
        StreamRecord hello = StreamRecords.hello("a", 4096, new Pos(GEN, 0, 32), 0, 1000, 1 << 20, null);
        StreamRecord v2 = hello.toBuilder().setHello(hello.getHello().toBuilder().setProtocolVersion(2)).build();
        assertThatThrownBy(() -> decodeAll(StreamRecordEncoder.encode(v2)))
                .isInstanceOf(StreamFormatException.class).hasMessageContaining("unsupported stream protocol version 2");
    }
}

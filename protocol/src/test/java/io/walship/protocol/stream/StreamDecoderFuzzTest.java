package io.walship.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.walship.protocol.Pos;
import io.walship.protocol.stream.proto.EndCode;
import io.walship.protocol.stream.proto.SnapshotReason;
import io.walship.protocol.stream.proto.StreamRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The follower decodes whatever arrives on its connection. Any bytes must give the same records, and then the same
 * {@link StreamFormatException}, however the network cuts them up (whole, in random pieces, through the blocking
 * reader); records the primary encodes must come back equal with their payloads.
 */
class StreamDecoderFuzzTest {

    /** Records decoded before the first error, and that error's message (null for a clean end). */
    private record Outcome(List<StreamRecord> records, List<byte[]> payloads, String error) {
        Outcome() {
            this(new ArrayList<>(), new ArrayList<>(), null);
        }

        Outcome failed(String message) {
            return new Outcome(records, payloads, message);
        }

        void add(DecodedRecord r) {
            records.add(r.record());
            payloads.add(r.payload());
        }
    }

    @FuzzTest
    void decodesAnyBytes(byte[] data) {
        Random cuts = new Random(Arrays.hashCode(data));
        Outcome whole = decode(data, new Random(0), data.length);
        Outcome pieces = decode(data, cuts, 1 + cuts.nextInt(64));
        Outcome reader = read(data, cuts);
        for (Outcome other : List.of(pieces, reader)) {
            assertThat(other.records()).isEqualTo(whole.records());
            assertThat(other.payloads()).usingRecursiveComparison().isEqualTo(whole.payloads());
            assertThat(other.error()).isEqualTo(whole.error());
        }
        if (whole.error() != null) {
            assertThat(whole.error()).doesNotContain("\n");
        }
    }

    @FuzzTest
    void roundTrip(FuzzedDataProvider in) throws StreamFormatException {
        List<StreamRecord> sent = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        while (in.remainingBytes() > 0 && sent.size() < 16) {
            byte[] payload = null;
            StreamRecord r;
            switch (in.consumeInt(0, 5)) {
                case 0 -> r = StreamRecords.heartbeat(pos(in), in.consumeLong());
                case 1 -> {
                    Pos start = pos(in);
                    payload = in.consumeBytes(in.consumeInt(start.offset() == 0 ? 32 : 1, 8192));
                    if (payload.length == 0 || (start.offset() == 0 && payload.length < 32)
                            || start.offset() > Long.MAX_VALUE - payload.length) {
                        continue;
                    }
                    Pos end = new Pos(start.generation(), start.index(), start.offset() + payload.length);
                    Pos previous = start.offset() == 0 && start.index() > 0 && in.consumeBoolean()
                            ? new Pos(start.generation(), start.index() - 1, in.consumeLong(0, Long.MAX_VALUE)) : null;
                    r = StreamRecords.walSegment(start, end, previous, in.consumeBoolean(),
                            Payloads.of(payload, 0, payload.length, in.consumeBoolean()));
                }
                case 2 -> {
                    payload = in.consumeBytes(in.consumeInt(0, 8192));
                    r = StreamRecords.snapshotChunk(in.consumeLong(0, Long.MAX_VALUE),
                            Payloads.of(payload, 0, payload.length, in.consumeBoolean()));
                }
                case 3 -> r = StreamRecords.hello(in.consumeString(64), in.consumeInt(), pos(in), in.consumeLong(),
                        in.consumeInt(), in.consumeInt(), in.consumeBoolean() ? pos(in) : null);
                case 4 -> r = StreamRecords.end(EndCode.forNumber(in.consumeInt(0, 3)), in.consumeString(200));
                default -> r = StreamRecords.resnapshot(SnapshotReason.forNumber(in.consumeInt(0, 4)),
                        in.consumeString(200));
            }
            sent.add(r);
            payloads.add(payload);
            wire.writeBytes(StreamRecordEncoder.encode(r));
        }
        Outcome got = decode(wire.toByteArray(), new Random(sent.size()), 1 + sent.size());
        assertThat(got.error()).isNull();
        assertThat(got.records()).isEqualTo(sent);
        assertThat(got.payloads()).usingRecursiveComparison().isEqualTo(payloads);
    }

    private static Pos pos(FuzzedDataProvider in) {
        return new Pos(String.format(Locale.ROOT, "%016x", in.consumeLong()), in.consumeLong(0, Long.MAX_VALUE),
                in.consumeLong(0, Long.MAX_VALUE));
    }

    /** Feeds pieces of random length up to {@code maxPiece}, taking records after each. */
    private static Outcome decode(byte[] data, Random cuts, int maxPiece) {
        StreamDecoder d = new StreamDecoder();
        Outcome out = new Outcome();
        try {
            for (int at = 0; at < data.length; ) {
                int n = Math.min(data.length - at, 1 + cuts.nextInt(Math.max(1, maxPiece)));
                d.feed(data, at, n);
                at += n;
                for (DecodedRecord r; (r = d.next()) != null; ) {
                    out.add(r);
                }
            }
            d.finish();
            return out;
        } catch (StreamFormatException e) {
            return out.failed(e.getMessage());
        }
    }

    /** The follower's blocking reader over a body that hands out a random number of bytes per read. */
    private static Outcome read(byte[] data, Random cuts) {
        InputStream body = new InputStream() {
            private int at;

            @Override
            public int read() {
                return at < data.length ? data[at++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= data.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, data.length - at), 1 + cuts.nextInt(100));
                System.arraycopy(data, at, b, off, n);
                at += n;
                return n;
            }
        };
        Outcome out = new Outcome();
        try (StreamRecordReader reader = new StreamRecordReader(body)) {
            for (DecodedRecord r; (r = reader.read()) != null; ) {
                out.add(r);
            }
            return out;
        } catch (StreamFormatException e) {
            return out.failed(e.getMessage());
        } catch (IOException e) {
            throw new AssertionError("only StreamFormatException may come out of an in-memory body", e);
        }
    }
}

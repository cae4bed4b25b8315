package io.walship.protocol.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.walship.protocol.Pos;
import io.walship.protocol.WalHeader;
import io.walship.protocol.stream.proto.StreamRecord;
import io.walship.protocol.stream.proto.WalSegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Turns stream bytes, fed in pieces of any size, into checked records. No I/O: feed what arrived, then call
 * {@link #next()} until it returns null; at end of stream call {@link #finish()}.
 *
 * <p>Checks: the length prefix is a well-formed varint no larger than the limit (before any of the record is
 * buffered), the message parses and has a known kind, payloads decompress to their stated length with a matching
 * CRC-32C, and WAL segments are self-consistent (same generation and index at both ends, length = end − start,
 * header present at offset 0). Continuity with the follower's own position is the caller's business.
 */
public final class StreamDecoder {
    private static final int MAX_VARINT_BYTES = 5;

    private final int maxRecordBytes;
    private byte[] buf = new byte[8192];
    private int start;
    private int end;
    private long consumed;

    public StreamDecoder() {
        this(StreamProtocol.MAX_RECORD_BYTES);
    }

    public StreamDecoder(int maxRecordBytes) {
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException("maxRecordBytes must be positive");
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    public void feed(byte[] b, int off, int len) {
        reserve(len);
        System.arraycopy(b, off, buf, end, len);
        end += len;
    }

    public void feed(byte[] b) {
        feed(b, 0, b.length);
    }

    public void feed(ByteBuffer b) {
        int len = b.remaining();
        reserve(len);
        b.get(buf, end, len);
        end += len;
    }

    /** The next complete record, or null if more bytes are needed. */
    public DecodedRecord next() throws StreamFormatException {
        long len = 0;
        int p = start;
        for (int i = 0; ; i++) {
            if (p == end) {
                return null;
            }
            if (i == MAX_VARINT_BYTES) {
                throw new StreamFormatException("malformed record length at stream offset " + consumed
                        + ": varint longer than " + MAX_VARINT_BYTES + " bytes");
            }
            int b = buf[p++];
            len |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (len > maxRecordBytes) {
            throw new StreamFormatException("record of " + len + " bytes at stream offset " + consumed
                    + " exceeds the limit of " + maxRecordBytes + " bytes");
        }
        if (len == 0) {
            throw new StreamFormatException("empty record at stream offset " + consumed);
        }
        if (end - p < len) {
            return null;
        }
        StreamRecord record;
        try {
            record = StreamRecord.parser().parseFrom(buf, p, (int) len);
        } catch (InvalidProtocolBufferException e) {
            throw new StreamFormatException("unparsable record at stream offset " + consumed + ": " + e.getMessage(), e);
        }
        long at = consumed;
        consumed += p + len - start;
        start = p + (int) len;
        if (start == end) {
            start = end = 0;
        }
        return check(record, at);
    }

    /** Call at end of stream: fails if the stream stopped inside a record. */
    public void finish() throws StreamFormatException {
        if (end > start) {
            throw new StreamFormatException("stream truncated: it ended " + (end - start)
                    + " bytes into a record at stream offset " + consumed);
        }
    }

    /** Bytes fed but not yet returned as records. */
    public int buffered() {
        return end - start;
    }

    private DecodedRecord check(StreamRecord r, long at) throws StreamFormatException {
        try {
            return switch (r.getKindCase()) {
                case HELLO -> {
                    if (r.getHello().getProtocolVersion() != StreamProtocol.VERSION) {
                        throw new StreamFormatException("unsupported stream protocol version "
                                + r.getHello().getProtocolVersion() + " (this decoder speaks " + StreamProtocol.VERSION + ")");
                    }
                    require(r.getHello().hasPrimaryPosition(), "hello without primary_position");
                    yield new DecodedRecord(r, null);
                }
                case SNAPSHOT_BEGIN -> {
                    require(r.getSnapshotBegin().hasPosition(), "snapshot_begin without position");
                    require(r.getSnapshotBegin().getPosition().getOffset() == 0, "snapshot_begin position offset is not 0");
                    yield new DecodedRecord(r, null);
                }
                case SNAPSHOT_CHUNK -> {
                    require(r.getSnapshotChunk().hasPayload(), "snapshot_chunk without payload");
                    yield new DecodedRecord(r, Payloads.open(r.getSnapshotChunk().getPayload(), maxRecordBytes));
                }
                case SNAPSHOT_END -> {
                    require(r.getSnapshotEnd().hasConsistentPosition(), "snapshot_end without consistent_position");
                    yield new DecodedRecord(r, null);
                }
                case WAL_SEGMENT -> new DecodedRecord(r, checkSegment(r.getWalSegment()));
                case HEARTBEAT -> {
                    require(r.getHeartbeat().hasPrimaryPosition(), "heartbeat without primary_position");
                    yield new DecodedRecord(r, null);
                }
                case RESNAPSHOT, END -> new DecodedRecord(r, null);
                case KIND_NOT_SET -> throw new StreamFormatException("record of unknown kind");
            };
        } catch (StreamFormatException e) {
            throw new StreamFormatException(e.getMessage() + " (record at stream offset " + at + ")", e.getCause());
        }
    }

    private byte[] checkSegment(WalSegment w) throws StreamFormatException {
        require(w.hasStart() && w.hasEnd() && w.hasPayload(), "wal_segment without start, end or payload");
        Pos s = StreamPositions.fromProto(w.getStart());
        Pos e = StreamPositions.fromProto(w.getEnd());
        require(s.generation().equals(e.generation()) && s.index() == e.index(),
                "wal_segment spans two WAL indexes: " + s + " to " + e);
        require(e.offset() > s.offset(), "wal_segment is empty or backwards: " + s + " to " + e);
        require(e.offset() - s.offset() == w.getPayload().getLength(), "wal_segment " + s + " to " + e + " carries "
                + w.getPayload().getLength() + " bytes");
        require(s.offset() != 0 || e.offset() >= WalHeader.SIZE, "wal_segment at offset 0 shorter than a WAL header");
        if (w.hasPrevious()) {
            Pos prev = StreamPositions.fromProto(w.getPrevious());
            require(s.offset() == 0 && prev.generation().equals(s.generation()) && prev.index() + 1 == s.index(),
                    "wal_segment previous " + prev + " is not the index before " + s);
        }
        return Payloads.open(w.getPayload(), maxRecordBytes);
    }

    private static void require(boolean ok, String what) throws StreamFormatException {
        if (!ok) {
            throw new StreamFormatException(what);
        }
    }

    private void reserve(int more) {
        if (buf.length - end >= more) {
            return;
        }
        int live = end - start;
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, live);
            start = 0;
            end = live;
        }
        if (buf.length - end < more) {
            long want = Math.max((long) buf.length * 2, (long) live + more);
            buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, want));
        }
    }
}

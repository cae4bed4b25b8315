package io.walship.protocol.stream;

import io.walship.protocol.Pos;
import io.walship.protocol.stream.proto.End;
import io.walship.protocol.stream.proto.EndCode;
import io.walship.protocol.stream.proto.Heartbeat;
import io.walship.protocol.stream.proto.Hello;
import io.walship.protocol.stream.proto.Payload;
import io.walship.protocol.stream.proto.Resnapshot;
import io.walship.protocol.stream.proto.SnapshotBegin;
import io.walship.protocol.stream.proto.SnapshotChunk;
import io.walship.protocol.stream.proto.SnapshotEnd;
import io.walship.protocol.stream.proto.SnapshotReason;
import io.walship.protocol.stream.proto.StreamRecord;
import io.walship.protocol.stream.proto.WalSegment;

/** Builds each kind of {@link StreamRecord} from walship's own types. */
public final class StreamRecords {
    private StreamRecords() {
    }

    /**
     * @param resume the requested position when the stream continues exactly there, or null when a snapshot follows
     */
    public static StreamRecord hello(String database, int pageSize, Pos primary, long timeMillis, int heartbeatMillis,
                                     int maxPayloadBytes, Pos resume) {
        Hello.Builder h = Hello.newBuilder()
                .setProtocolVersion(StreamProtocol.VERSION)
                .setDatabase(database)
                .setPageSize(pageSize)
                .setPrimaryPosition(StreamPositions.toProto(primary))
                .setServerTimeMillis(timeMillis)
                .setHeartbeatIntervalMillis(heartbeatMillis)
                .setMaxPayloadBytes(maxPayloadBytes);
        if (resume != null) {
            h.setResumePosition(StreamPositions.toProto(resume));
        }
        return StreamRecord.newBuilder().setHello(h).build();
    }

    public static StreamRecord resnapshot(SnapshotReason reason, String detail) {
        return StreamRecord.newBuilder().setResnapshot(Resnapshot.newBuilder().setReason(reason).setDetail(detail))
                .build();
    }

    public static StreamRecord snapshotBegin(Pos position, long size, int pageSize) {
        return StreamRecord.newBuilder().setSnapshotBegin(SnapshotBegin.newBuilder()
                .setPosition(StreamPositions.toProto(position)).setSize(size).setPageSize(pageSize)).build();
    }

    public static StreamRecord snapshotChunk(long offset, Payload payload) {
        return StreamRecord.newBuilder().setSnapshotChunk(SnapshotChunk.newBuilder().setOffset(offset)
                .setPayload(payload)).build();
    }

    public static StreamRecord snapshotEnd(long size, int crc32c, Pos consistent) {
        return StreamRecord.newBuilder().setSnapshotEnd(SnapshotEnd.newBuilder().setSize(size).setCrc32C(crc32c)
                .setConsistentPosition(StreamPositions.toProto(consistent))).build();
    }

    /**
     * @param previous the final position of index {@code start.index - 1} when the stream moves on to a new index,
     *                 else null
     */
    public static StreamRecord walSegment(Pos start, Pos end, Pos previous, boolean partial, Payload payload) {
        WalSegment.Builder w = WalSegment.newBuilder()
                .setStart(StreamPositions.toProto(start))
                .setEnd(StreamPositions.toProto(end))
                .setPartial(partial)
                .setPayload(payload);
        if (previous != null) {
            w.setPrevious(StreamPositions.toProto(previous));
        }
        return StreamRecord.newBuilder().setWalSegment(w).build();
    }

    public static StreamRecord heartbeat(Pos primary, long timeMillis) {
        return StreamRecord.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setPrimaryPosition(StreamPositions.toProto(primary)).setServerTimeMillis(timeMillis)).build();
    }

    public static StreamRecord end(EndCode code, String message) {
        return StreamRecord.newBuilder().setEnd(End.newBuilder().setCode(code).setMessage(message)).build();
    }
}

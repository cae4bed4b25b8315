package io.walship.follower;

import io.walship.protocol.Pos;
import java.io.ByteArrayOutputStream;

/**
 * WAL bytes received for one index but not applied yet: contiguous segments from {@link #start()}, of which the
 * part up to {@link #committedEnd()} ends on a commit; a partial transaction may follow it.
 */
final class IncomingWal {
    private Pos start;
    private Pos end;
    private Pos committedEnd;
    private int committedLength;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    IncomingWal(Pos start) {
        this.start = start;
        this.end = start;
    }

    Pos start() {
        return start;
    }

    /** Where the next segment must start. */
    Pos end() {
        return end;
    }

    /** The last commit position received, or null if only part of a transaction arrived. */
    Pos committedEnd() {
        return committedEnd;
    }

    int committedLength() {
        return committedLength;
    }

    void append(byte[] payload, Pos segmentEnd, boolean partial) {
        bytes.writeBytes(payload);
        end = segmentEnd;
        if (!partial) {
            committedEnd = segmentEnd;
            committedLength = bytes.size();
        }
    }

    /** The committed bytes, for one apply. */
    byte[] committedBytes() {
        byte[] all = bytes.toByteArray();
        return all.length == committedLength ? all : java.util.Arrays.copyOf(all, committedLength);
    }

    /** Drops the applied committed part; what remains (a partial transaction) starts at the old commit end. */
    void dropCommitted() {
        byte[] all = bytes.toByteArray();
        bytes.reset();
        bytes.write(all, committedLength, all.length - committedLength);
        start = committedEnd;
        committedEnd = null;
        committedLength = 0;
    }

    boolean isEmpty() {
        return bytes.size() == 0;
    }
}

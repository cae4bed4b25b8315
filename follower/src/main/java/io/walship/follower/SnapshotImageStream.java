package io.walship.follower;

import io.walship.protocol.Pos;
import io.walship.protocol.stream.DecodedRecord;
import io.walship.protocol.stream.StreamPositions;
import io.walship.protocol.stream.StreamRecordReader;
import io.walship.protocol.stream.StreamFormatException;
import io.walship.protocol.stream.proto.SnapshotBegin;
import io.walship.protocol.stream.proto.SnapshotEnd;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * The database image of one snapshot, read chunk record by chunk record from the stream (heartbeats in between
 * are skipped); ends at {@code snapshot_end} after checking the total size and the CRC-32C of the whole image.
 */
final class SnapshotImageStream extends InputStream {
    private final StreamRecordReader source;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private byte[] chunk = new byte[0];
    private int pos;
    private long offset;
    private boolean ended;
    private Pos consistent;
    private boolean failed;

    SnapshotImageStream(StreamRecordReader source, SnapshotBegin begin) {
        this.source = source;
        this.size = begin.getSize();
    }

    /**
     * Where the image plus its index's WAL becomes the primary's database ({@code snapshot_end.consistent_position});
     * null until the whole image was read.
     */
    Pos consistentPosition() {
        return consistent;
    }

    /** Whether reading the image from the stream failed (as opposed to writing it locally). */
    boolean failed() {
        return failed;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (pos == chunk.length) {
            if (ended || !nextChunkOrFail()) {
                return -1;
            }
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    private boolean nextChunkOrFail() throws IOException {
        try {
            return nextChunk();
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private boolean nextChunk() throws IOException {
        while (true) {
            DecodedRecord r = source.read();
            if (r == null) {
                throw new EOFException("stream ended inside a snapshot after " + offset + " of " + size + " bytes");
            }
            switch (r.kind()) {
                case HEARTBEAT -> {
                }
                case SNAPSHOT_CHUNK -> {
                    long at = r.record().getSnapshotChunk().getOffset();
                    if (at != offset) {
                        throw new StreamFormatException("snapshot chunk at offset " + at + ", expected " + offset);
                    }
                    chunk = r.payload();
                    pos = 0;
                    offset += chunk.length;
                    crc.update(chunk);
                    if (offset > size) {
                        throw new StreamFormatException("snapshot chunks exceed the announced size " + size);
                    }
                    return true;
                }
                case SNAPSHOT_END -> {
                    SnapshotEnd end = r.record().getSnapshotEnd();
                    if (offset != size || end.getSize() != size) {
                        throw new StreamFormatException("snapshot of " + offset + " bytes, announced " + size);
                    }
                    if ((int) crc.getValue() != end.getCrc32C()) {
                        throw new StreamFormatException("snapshot image CRC-32C mismatch");
                    }
                    ended = true;
                    consistent = StreamPositions.fromProto(end.getConsistentPosition());
                    return false;
                }
                default -> throw new StreamFormatException("unexpected " + r.kind() + " record inside a snapshot");
            }
        }
    }
}

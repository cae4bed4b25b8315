package io.walship.follower;

import io.walship.protocol.stream.DecodedRecord;
import io.walship.protocol.stream.StreamDecoder;
import io.walship.protocol.stream.StreamFormatException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Records from a stream response body. {@link #buffered()} never blocks, which lets the follower coalesce every
 * record that has already arrived into one local transaction and apply as soon as the wire goes quiet.
 */
final class RecordSource {
    private final InputStream in;
    private final StreamDecoder decoder = new StreamDecoder();
    private final byte[] chunk = new byte[64 * 1024];
    private volatile long lastByteNanos = System.nanoTime();

    RecordSource(InputStream in) {
        this.in = in;
    }

    /**
     * A record that has already arrived, or null. Arrived includes what the HTTP client holds but has not handed
     * over yet (it hands over one 16 KiB buffer per read) and the rest of a record whose first bytes are here (the
     * primary writes each record whole), so a follower that fell behind coalesces a large batch, not 16 KiB.
     */
    DecodedRecord buffered() throws IOException {
        while (true) {
            DecodedRecord r = decoder.next();
            if (r != null) {
                return r;
            }
            if (decoder.buffered() == 0 && in.available() <= 0) {
                return null;
            }
            if (!readChunk()) {
                return null;
            }
        }
    }

    /** The next record, reading as needed; null when the body ended cleanly after a whole record. */
    DecodedRecord next() throws IOException {
        while (true) {
            DecodedRecord r = decoder.next();
            if (r != null) {
                return r;
            }
            if (!readChunk()) {
                return null;
            }
        }
    }

    /** Reads once into the decoder; false at the end of the body (after checking it ended on a record). */
    private boolean readChunk() throws IOException {
        int n = in.read(chunk);
        if (n < 0) {
            decoder.finish();
            return false;
        }
        lastByteNanos = System.nanoTime();
        decoder.feed(chunk, 0, n);
        return true;
    }

    long nanosSinceLastByte() {
        return System.nanoTime() - lastByteNanos;
    }
}

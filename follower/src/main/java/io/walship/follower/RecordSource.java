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

    /** A record that is already complete in the buffer, or null. */
    DecodedRecord buffered() throws StreamFormatException {
        return decoder.next();
    }

    /** The next record, reading as needed; null when the body ended cleanly after a whole record. */
    DecodedRecord next() throws IOException {
        while (true) {
            DecodedRecord r = decoder.next();
            if (r != null) {
                return r;
            }
            int n = in.read(chunk);
            if (n < 0) {
                decoder.finish();
                return null;
            }
            lastByteNanos = System.nanoTime();
            decoder.feed(chunk, 0, n);
        }
    }

    long nanosSinceLastByte() {
        return System.nanoTime() - lastByteNanos;
    }
}

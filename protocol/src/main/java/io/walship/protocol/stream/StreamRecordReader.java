package io.walship.protocol.stream;

import java.io.IOException;
import java.io.InputStream;

/**
 * Blocking convenience over {@link StreamDecoder}: reads records from an HTTP response body. {@link #buffered()}
 * never blocks, so a follower can take every record that already arrived before it applies anything.
 */
public final class StreamRecordReader implements AutoCloseable {
    private final InputStream in;
    private final StreamDecoder decoder;
    private final byte[] chunk = new byte[64 * 1024];
    private volatile long lastByteNanos = System.nanoTime();

    public StreamRecordReader(InputStream in) {
        this(in, new StreamDecoder());
    }

    public StreamRecordReader(InputStream in, StreamDecoder decoder) {
        this.in = in;
        this.decoder = decoder;
    }

    /** The next record, or null at a clean end of stream (after a whole record); truncation throws. */
    public DecodedRecord read() throws IOException {
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

    /** A record already complete in the buffer, or null; no I/O. */
    public DecodedRecord buffered() throws StreamFormatException {
        return decoder.next();
    }

    /** How long the body has been silent (a dead connection detector reads this from another thread). */
    public long nanosSinceLastByte() {
        return System.nanoTime() - lastByteNanos;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

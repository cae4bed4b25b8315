package io.walship.protocol.stream;

import java.io.IOException;
import java.io.InputStream;

/** Blocking convenience over {@link StreamDecoder}: reads records from an HTTP response body. */
public final class StreamRecordReader implements AutoCloseable {
    private final InputStream in;
    private final StreamDecoder decoder;
    private final byte[] chunk = new byte[64 * 1024];

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
            decoder.feed(chunk, 0, n);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

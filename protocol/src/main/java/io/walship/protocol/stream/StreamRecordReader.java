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
            if (!readChunk()) {
                return null;
            }
        }
    }

    /**
     * A record that has already arrived, or null, without waiting for the network. Arrived includes what the
     * input stream holds but has not handed over yet (the JDK HTTP client hands over 16 KiB per read) and the rest
     * of a record whose first bytes are here (the primary writes each record whole), so a follower that fell
     * behind gathers a large batch rather than 16 KiB at a time.
     */
    public DecodedRecord buffered() throws IOException {
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

    /** Reads once into the decoder; false at the end of the body (after checking it ended on a whole record). */
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

    /** How long the body has been silent (a dead connection detector reads this from another thread). */
    public long nanosSinceLastByte() {
        return System.nanoTime() - lastByteNanos;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

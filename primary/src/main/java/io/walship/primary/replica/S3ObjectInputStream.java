package io.walship.primary.replica;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * An S3 object's body whose read failures (connection reset, socket timeout) name the replica and the object,
 * like every other replica failure, instead of surfacing as a bare "Connection reset".
 */
final class S3ObjectInputStream extends FilterInputStream {
    private final String location;

    /** @param location prefix for messages, e.g. {@code "s3://bkt/db: reading generations/…"} */
    S3ObjectInputStream(InputStream in, String location) {
        super(in);
        this.location = location;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException | SdkException e) {
            throw fail(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException | SdkException e) {
            throw fail(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException | SdkException e) {
            throw fail(e);
        }
    }

    private IOException fail(Exception e) {
        return new IOException(location + " failed (" + e.getMessage() + ")", e);
    }
}

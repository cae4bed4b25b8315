package io.walship.primary.replica;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Uploads a body of unknown length to one S3 key while holding at most one part in memory. A body that fits
 * in one part becomes a single PutObject; a larger one becomes a multipart upload whose parts are sent as
 * the buffer fills. Nothing is visible under the key until {@link #finish()} succeeds; after any failure the
 * caller must call {@link #abort()} so no upload is left behind (incomplete uploads are billed and
 * invisible to listings).
 *
 * <p>{@link #close()} deliberately does not finish the upload: bodies often close the stream they were given
 * (an LZ4 frame writer does), and completion must wait until the body returned without error.
 */
final class S3MultipartOutputStream extends OutputStream {
    /** S3 allows at most this many parts per upload. */
    private static final int MAX_PARTS = 10_000;
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final int partSize;
    private final List<CompletedPart> parts = new ArrayList<>();
    // Grows up to partSize so small snapshots never allocate a whole part.
    private byte[] buffer;
    private int filled;
    private long size;
    private String uploadId;
    private boolean closed;

    S3MultipartOutputStream(S3Client s3, String bucket, String key, int partSize) {
        if (partSize < 5 * 1024 * 1024) {
            throw new IllegalArgumentException("S3 parts other than the last must be at least 5 MiB: " + partSize);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.partSize = partSize;
        this.buffer = new byte[Math.min(INITIAL_BUFFER, partSize)];
    }

    /** Bytes written so far: the object's size once {@link #finish()} succeeded. */
    long size() {
        return size;
    }

    /** True once the body outgrew one part and a multipart upload was started. */
    boolean isMultipart() {
        return uploadId != null;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        while (len > 0) {
            // A full buffer is only sent once more bytes arrive, so a body of exactly one part stays a PutObject.
            if (filled == partSize) {
                uploadPart();
            }
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(partSize, buffer.length * 2));
            }
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            size += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Makes the object visible: one PutObject, or the last part and CompleteMultipartUpload. */
    void finish() throws IOException {
        closed = true;
        if (uploadId == null) {
            s3.putObject(b -> b.bucket(bucket).key(key), body());
            return;
        }
        uploadPart();
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
    }

    /** Drops a started multipart upload; a no-op for a single-part body, which was never sent. */
    void abort() {
        closed = true;
        buffer = null;
        if (uploadId != null) {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        }
    }

    private void uploadPart() throws IOException {
        if (uploadId == null) {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        }
        int partNumber = parts.size() + 1;
        if (partNumber > MAX_PARTS) {
            throw new IOException("object exceeds " + MAX_PARTS + " parts of " + partSize + " bytes");
        }
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber),
                body()).eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
        filled = 0;
    }

    private RequestBody body() {
        byte[] bytes = buffer;
        int length = filled;
        // A fresh stream per attempt lets the SDK retry without copying the buffer.
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                "application/octet-stream");
    }
}

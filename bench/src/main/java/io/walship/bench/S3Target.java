package io.walship.bench;

import io.walship.embeddeds3.EmbeddedS3;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded S3 server (S3Proxy in this JVM, objects as files in the workspace) with one bucket, counting
 * every request it answers by operation.
 */
final class S3Target implements AutoCloseable {
    private static final String ACCESS_KEY = "bench-access";
    private static final String SECRET_KEY = "bench-secret-key";

    private final EmbeddedS3 server;
    private final String bucket;

    private S3Target(EmbeddedS3 server, String bucket) {
        this.server = server;
        this.bucket = bucket;
    }

    static S3Target start(Path dataDir, String bucket) throws Exception {
        EmbeddedS3 s3 = EmbeddedS3.startCounting(ACCESS_KEY, SECRET_KEY, dataDir);
        try {
            s3.createBucket(bucket);
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
        return new S3Target(s3, bucket);
    }

    String endpoint() {
        return server.endpoint().toString();
    }

    String bucket() {
        return bucket;
    }

    String accessKey() {
        return ACCESS_KEY;
    }

    String secretKey() {
        return SECRET_KEY;
    }

    /** Requests answered so far, by S3 operation. */
    Map<String, Long> requestCounts() {
        return server.requestCounts();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}

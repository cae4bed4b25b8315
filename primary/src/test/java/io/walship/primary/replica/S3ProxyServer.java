package io.walship.primary.replica;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3Proxy on 127.0.0.1 (free port, in-memory store, AWS v4 auth) plus a plain SDK client for setting up
 * buckets and inspecting raw keys independently of the code under test.
 */
final class S3ProxyServer implements AutoCloseable {
    private final S3Proxy proxy;
    private final URI endpoint;
    private final S3Client client;

    private S3ProxyServer(S3Proxy proxy, URI endpoint, S3Client client) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.client = client;
    }

    static S3ProxyServer start(String accessKey, String secret) throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secret)
                .stopTimeout(0) // otherwise stop() waits ~2 s for idle connections
                .build();
        proxy.start();
        // start() returns before Jetty accepts connections.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(5);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        S3Client client = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .build();
        return new S3ProxyServer(proxy, endpoint, client);
    }

    URI endpoint() {
        return endpoint;
    }

    void createBucket(String name) {
        client.createBucket(b -> b.bucket(name));
    }

    /** The raw client, for inspecting what the code under test stored. */
    S3Client client() {
        return client;
    }

    /** Every key in a bucket, in the store's order. */
    List<String> keys(String bucket) {
        List<String> keys = new ArrayList<>();
        client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach((S3Object o) -> keys.add(o.key()));
        return keys;
    }

    void put(String bucket, String key, byte[] bytes) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    void stop() throws Exception {
        client.close();
        proxy.stop();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}

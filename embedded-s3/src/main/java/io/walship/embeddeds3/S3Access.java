package io.walship.embeddeds3;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 endpoint as a test sees it, whoever serves it (the embedded server, MinIO in a container): its URL, the
 * static keys it accepts, and a plain SDK client (path-style) for setting up buckets and inspecting raw keys
 * independently of the code under test.
 */
public final class S3Access implements AutoCloseable {
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;
    private final S3Client client;

    private S3Access(URI endpoint, String accessKey, String secretKey, S3Client client) {
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.client = client;
    }

    public static S3Access connect(URI endpoint, String accessKey, String secretKey) {
        S3Client client = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build();
        return new S3Access(endpoint, accessKey, secretKey, client);
    }

    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The raw client, for inspecting what the code under test stored. */
    public S3Client client() {
        return client;
    }

    public void createBucket(String name) {
        client.createBucket(b -> b.bucket(name));
    }

    /** Every key in a bucket, in the store's order. */
    public List<String> keys(String bucket) {
        List<String> keys = new ArrayList<>();
        client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach((S3Object o) -> keys.add(o.key()));
        return keys;
    }

    public void put(String bucket, String key, byte[] bytes) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    @Override
    public void close() {
        client.close();
    }
}

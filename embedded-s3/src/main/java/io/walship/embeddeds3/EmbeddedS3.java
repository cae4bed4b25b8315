package io.walship.embeddeds3;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 endpoint on 127.0.0.1: S3Proxy in-process (free port and in-memory store, or a given port and a
 * directory), AWS v4 auth, plus a plain
 * SDK client for setting up buckets and inspecting raw keys independently of the code under test.
 */
public final class EmbeddedS3 implements AutoCloseable {
    private static final String KEY_STORE_PASSWORD = "changeit";

    private final S3Proxy proxy;
    private final URI endpoint;
    private final S3Client client;

    private EmbeddedS3(S3Proxy proxy, URI endpoint, S3Client client) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.client = client;
    }

    public static EmbeddedS3 start(String accessKey, String secret) throws Exception {
        return start(accessKey, secret, null, new TransientNio2BlobStore(), 0, false);
    }

    /**
     * A server whose objects live as plain files under {@code dataDir} (one directory per bucket), on a given
     * port (0 for a free one): stopping it and starting another on the same port and directory, possibly with
     * other keys, is to a client the same S3 endpoint restarted with rotated credentials. It also accepts
     * temporary (session) credentials: S3Proxy knows no session tokens, so their header is ignored.
     */
    public static EmbeddedS3 startOnDisk(String accessKey, String secret, Path dataDir, int port) throws Exception {
        java.nio.file.Files.createDirectories(dataDir);
        return start(accessKey, secret, null, new FilesystemNio2BlobStore(dataDir.toString()), port, true);
    }

    /**
     * Also serves HTTPS on {@link #secureEndpoint()} with the given PKCS12 key store (password "changeit"),
     * e.g. a self-signed certificate for testing skip-verify. Buckets are still set up over plain HTTP.
     */
    public static EmbeddedS3 startWithTls(String accessKey, String secret, Path keyStore) throws Exception {
        return start(accessKey, secret, keyStore, new TransientNio2BlobStore(), 0, false);
    }

    private static EmbeddedS3 start(String accessKey, String secret, Path keyStore, BlobStore store, int port,
                                    boolean ignoreUnknownHeaders) throws Exception {
        S3Proxy.Builder builder = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secret)
                .ignoreUnknownHeaders(ignoreUnknownHeaders)
                .stopTimeout(0); // otherwise stop() waits ~2 s for idle connections
        if (keyStore != null) {
            builder.secureEndpoint(URI.create("https://127.0.0.1:0")).keyStore(keyStore.toString(), KEY_STORE_PASSWORD);
        }
        S3Proxy proxy = builder.build();
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
        return new EmbeddedS3(proxy, endpoint, client);
    }

    /** Writes a PKCS12 key store with a self-signed certificate for CN=walship-test (not 127.0.0.1). */
    public static Path selfSignedKeyStore(Path dir) throws Exception {
        Path keyStore = dir.resolve("s3proxy.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "s3proxy", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=walship-test", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", KEY_STORE_PASSWORD, "-keypass", KEY_STORE_PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return keyStore;
    }

    /** The HTTPS endpoint of a server started {@link #startWithTls with TLS}. */
    public URI secureEndpoint() {
        return URI.create("https://127.0.0.1:" + proxy.getSecurePort());
    }

    public int port() {
        return proxy.getPort();
    }

    public URI endpoint() {
        return endpoint;
    }

    public void createBucket(String name) {
        client.createBucket(b -> b.bucket(name));
    }

    /** The raw client, for inspecting what the code under test stored. */
    public S3Client client() {
        return client;
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

    public void stop() throws Exception {
        client.close();
        proxy.stop();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}

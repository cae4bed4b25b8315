package io.walship.embeddeds3;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 endpoint on 127.0.0.1: S3Proxy in-process (free port and in-memory store, or a given port and a
 * directory), AWS v4 auth, plus its {@link S3Access} for setting up buckets and inspecting raw keys independently
 * of the code under test.
 */
public final class EmbeddedS3 implements AutoCloseable {
    private static final String KEY_STORE_PASSWORD = "changeit";

    private final S3Proxy proxy;
    private final S3Access access;
    private final CountingBlobStore counter;

    private EmbeddedS3(S3Proxy proxy, S3Access access, CountingBlobStore counter) {
        this.proxy = proxy;
        this.access = access;
        this.counter = counter;
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
     * On disk like {@link #startOnDisk} (free port), and counting every request it answers by S3 operation
     * ({@link #requestCounts()}), as a provider would bill them.
     */
    public static EmbeddedS3 startCounting(String accessKey, String secret, Path dataDir) throws Exception {
        java.nio.file.Files.createDirectories(dataDir);
        return start(accessKey, secret, null, new CountingBlobStore(new FilesystemNio2BlobStore(dataDir.toString())), 0,
                true);
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
        return new EmbeddedS3(proxy, S3Access.connect(URI.create("http://127.0.0.1:" + proxy.getPort()), accessKey, secret),
                store instanceof CountingBlobStore c ? c : null);
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

    /**
     * Object requests served so far by S3 operation ({@code PutObject}, {@code ListObjectsV2}, ...), failed ones
     * included; only for a server started {@link #startCounting counting}.
     */
    public Map<String, Long> requestCounts() {
        if (counter == null) {
            throw new IllegalStateException("this server was not started counting requests");
        }
        return counter.counts();
    }

    public int port() {
        return proxy.getPort();
    }

    public URI endpoint() {
        return access.endpoint();
    }

    /** The endpoint with its keys and a plain client. */
    public S3Access access() {
        return access;
    }

    public void createBucket(String name) {
        access.createBucket(name);
    }

    /** The raw client, for inspecting what the code under test stored. */
    public S3Client client() {
        return access.client();
    }

    /** Every key in a bucket, in the store's order. */
    public List<String> keys(String bucket) {
        return access.keys(bucket);
    }

    public void put(String bucket, String key, byte[] bytes) {
        access.put(bucket, key, bytes);
    }

    public void stop() throws Exception {
        access.close();
        proxy.stop();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}

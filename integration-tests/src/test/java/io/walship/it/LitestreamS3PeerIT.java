package io.walship.it;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The harness against the peer alone, S3 flavour: litestream replicates to S3Proxy on loopback (path style,
 * static keys, a fresh store per test) and restores row-exact through the same config.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LitestreamS3PeerIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret").build();

    @TempDir
    Path dir;

    @Test
    void litestreamRoundTripsThroughS3OnLoopback() throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        String endpoint = "http://127.0.0.1:" + S3.getUri().getPort();
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3.getAccessKey(), S3.getSecretKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            s3.createBucket(b -> b.bucket("backups"));
        }
        Path db = dir.resolve("app.db");
        Path config = LitestreamBinary.writeConfig(dir.resolve("litestream.yml"),
                LitestreamConfig.s3(db, endpoint, "backups", "prod/app.db", S3.getAccessKey(), S3.getSecretKey()));
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            LitestreamPeerIT.replicateWorkload(litestream, app, config);
            Path out = dir.resolve("restored.db");
            litestream.restoreWithConfig(config, db, out);
            DbCompare.assertSameContent(app.connection(), out);
        }
    }
}

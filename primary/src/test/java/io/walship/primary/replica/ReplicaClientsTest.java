package io.walship.primary.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.primary.config.ConfigException;
import io.walship.primary.config.ReplicaConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicaClientsTest {

    private static S3Settings s3(String url) {
        return ReplicaClients.s3Settings(ReplicaConfig.ofUrl(url), Map.of());
    }

    private static ReplicaConfig s3Config(String bucket, String path, String endpoint, Boolean pathStyle) {
        return new ReplicaConfig(null, "s3", null, path, bucket, endpoint, null, pathStyle, false, null, null,
                Duration.ofSeconds(1), Duration.ZERO, Duration.ofHours(24), Duration.ofHours(1), Duration.ZERO);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
        // url, bucket, prefix, endpoint, region, path style
        "s3://bucket/path,bucket,path,-,-,false",
        "s3://bucket,bucket,'',-,-,false",
        "s3://bucket/,bucket,'',-,-,false",
        "s3://bucket//lead//test.db/,bucket,lead/test.db,-,-,false",
        "s3://bucket/a/./b/../c,bucket,a/c,-,-,false",
        "s3://my.bucket/x,my.bucket,x,-,-,false",
        "s3://bucket:443/x,bucket,x,-,-,false",
        "s3://bucket.localhost:9000/path,bucket,path,http://localhost:9000,us-east-1,true",
        "s3://bucket.localhost/path,bucket,path,http://localhost,us-east-1,true",
        "s3://b.s3.us-west-002.backblazeb2.com/p,b,p,https://s3.us-west-002.backblazeb2.com,us-west-002,true",
        "s3://b.s3.filebase.com/p,b,p,https://s3.filebase.com,-,true",
        "s3://b.nyc3.digitaloceanspaces.com/p,b,p,https://nyc3.digitaloceanspaces.com,nyc3,true",
        "s3://b.s3.fr-par.scw.cloud/p,b,p,https://s3.fr-par.scw.cloud,fr-par,true",
        "s3://b.us-east-1.linodeobjects.com/p,b,p,https://us-east-1.linodeobjects.com,us-east-1,true",
        "s3://b/p?endpoint=http://127.0.0.1:9000&region=eu-1,b,p,http://127.0.0.1:9000,eu-1,true",
        "s3://b/p?endpoint=http%3A%2F%2Fminio%3A9000&force-path-style=false,b,p,http://minio:9000,-,false",
        "s3://b/p?force-path-style=true,b,p,-,-,true",
        "s3://b/with%20space,b,with space,-,-,false",
    })
    void parsesS3Urls(String url, String bucket, String prefix, String endpoint, String region, boolean pathStyle) {
        S3Settings s = s3(url);
        assertThat(s.bucket()).isEqualTo(bucket);
        assertThat(s.prefix()).isEqualTo(prefix);
        assertThat(s.endpoint()).isEqualTo(endpoint == null ? null : URI.create(endpoint));
        assertThat(s.region()).isEqualTo(region);
        assertThat(s.forcePathStyle()).isEqualTo(pathStyle);
        assertThat(s.credentials().accessKeyId()).isNull();
        assertThat(s.skipVerify()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "s3://b.localhost:abc/p|url: invalid replica URL \"s3://b.localhost:abc/p\": invalid port \"abc\"",
        "s3://b:99999/p|url: invalid replica URL \"s3://b:99999/p\": invalid port \"99999\"",
        "s3:///p|url: invalid replica URL \"s3:///p\": missing bucket, expected s3://BUCKET/PATH",
        "s3://localhost:9000/p|url: invalid replica URL \"s3://localhost:9000/p\": missing bucket, expected s3://BUCKET/PATH",
        "s3://b/p?foo=1|url: invalid replica URL \"s3://b/p?foo=1\": unknown query parameter \"foo\" (expected endpoint, region, force-path-style)",
        "s3://b/p?force-path-style=maybe|url: invalid replica URL \"s3://b/p?force-path-style=maybe\": invalid force-path-style \"maybe\" (expected true or false)",
        "s3://b/p?endpoint=ftp://x|endpoint: invalid endpoint \"ftp://x\", expected http(s)://HOST[:PORT]",
        // credentials a URL should not carry are masked where it is quoted
        "s3://key:secret@b/p|url: invalid replica URL \"s3://REDACTED@b/p\": credentials in the URL are not supported; use access-key-id/secret-access-key or the AWS environment",
        "s3://b/p?region=x&secret-access-key=s3cret&Access-Key-Id=AKIA1|url: invalid replica URL \"s3://b/p?region=x&secret-access-key=REDACTED&Access-Key-Id=REDACTED\": unknown query parameter \"secret-access-key\" (expected endpoint, region, force-path-style)",
        "s3://b/%zz|url: invalid replica URL \"s3://b/%zz\": invalid escape in path",
        "file://relative/dir|url: invalid replica URL \"file://relative/dir\": a file URL names an absolute directory: file:///DIR",
        "file://|url: invalid replica URL \"file://\": a file URL names an absolute directory: file:///DIR",
        "http://host/x|url: invalid replica URL \"http://host/x\": unsupported scheme \"http\" (expected s3:// or file://)",
        "gcs://bucket/x|url: gcs replicas are not supported by walship (use s3 or file)",
        "abs://acct@container/x|url: abs replicas are not supported by walship (use s3 or file)",
        "sftp://u:p@host:22/x|url: sftp replicas are not supported by walship (use s3 or file)",
        "bucket/path|url: invalid replica URL \"bucket/path\": expected SCHEME://..., e.g. s3://BUCKET/PATH or file:///DIR",
    })
    void rejectsBadUrls(String url, String message) {
        assertThatThrownBy(() -> ReplicaClients.validate(ReplicaConfig.ofUrl(url)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void fileUrlsAndPaths() {
        assertThat(ReplicaClients.fileRoot(ReplicaConfig.ofUrl("file:///abs/dir"))).isEqualTo(Path.of("/abs/dir"));
        assertThat(ReplicaClients.fileRoot(ReplicaConfig.ofUrl("file:///abs//dir/./x/../"))).isEqualTo(Path.of("/abs/dir"));
        ReplicaConfig home = new ReplicaConfig(null, null, null, "~/backups", null, null, null, null, false, null, null,
                null, null, null, null, null);
        assertThat(ReplicaClients.fileRoot(home)).isEqualTo(Path.of(System.getProperty("user.home"), "backups"));
        assertThat(ReplicaClients.type(home)).isEqualTo("file");
        assertThat(ReplicaClients.displayName(home)).isEqualTo("file");
        try (ReplicaClient c = ReplicaClients.open(ReplicaConfig.ofUrl("file:///abs/dir"), s -> {
            throw new AssertionError("not s3");
        })) {
            assertThat(c.type()).isEqualTo("file");
            assertThat(c.describe()).isEqualTo("file:///abs/dir");
        }
    }

    @Test
    void typeAndNameResolution() {
        assertThat(ReplicaClients.type(ReplicaConfig.ofUrl("s3://b/p"))).isEqualTo("s3");
        assertThat(ReplicaClients.displayName(ReplicaConfig.ofUrl("S3://b/p"))).isEqualTo("s3");
        ReplicaConfig named = new ReplicaConfig("backup", "file", "s3://b/p", null, null, null, null, null, false,
                null, null, null, null, null, null, null);
        assertThat(ReplicaClients.type(named)).isEqualTo("s3"); // the URL scheme wins over type
        assertThat(ReplicaClients.displayName(named)).isEqualTo("backup");
    }

    @Test
    void s3FromConfigKeys() {
        S3Settings s = ReplicaClients.s3Settings(s3Config("b", "/lead//x.db", "minio:9000", null), Map.of());
        assertThat(s.prefix()).isEqualTo("lead/x.db");
        assertThat(s.endpoint()).isEqualTo(URI.create("https://minio:9000"));
        assertThat(s.forcePathStyle()).isTrue();
        assertThat(ReplicaClients.s3Settings(s3Config("b", null, "http://m:9000", false), Map.of()).forcePathStyle())
                .isFalse();
        assertThat(ReplicaClients.s3Settings(s3Config("b", null, null, null), Map.of()).forcePathStyle()).isFalse();
        assertThat(ReplicaClients.s3Settings(s3Config("b", null, null, null), Map.of()).prefix()).isEmpty();
    }

    @Test
    void configKeysOverrideWhatTheUrlImplies() {
        ReplicaConfig rc = new ReplicaConfig(null, null, "s3://b.localhost:9000/p", null, null, "http://other:1",
                "eu-2", null, true, "K", "S", null, null, null, null, null);
        S3Settings s = ReplicaClients.s3Settings(rc, Map.of());
        assertThat(s.endpoint()).isEqualTo(URI.create("http://other:1"));
        assertThat(s.region()).isEqualTo("eu-2");
        assertThat(s.credentials().accessKeyId()).isEqualTo("K");
        assertThat(s.credentials().secretAccessKey()).isEqualTo("S");
        assertThat(s.skipVerify()).isTrue();
        assertThat(s.toString()).doesNotContain("S3cr").doesNotContain("\"S\"");
    }

    @Test
    void litestreamKeyVariablesAreFallbacks() {
        Map<String, String> litestreamOnly = Map.of("LITESTREAM_ACCESS_KEY_ID", "LK", "LITESTREAM_SECRET_ACCESS_KEY", "LS");
        S3Settings s = ReplicaClients.s3Settings(ReplicaConfig.ofUrl("s3://b/p"), litestreamOnly);
        assertThat(s.credentials().accessKeyId()).isEqualTo("LK");
        assertThat(s.credentials().secretAccessKey()).isEqualTo("LS");

        Map<String, String> awsToo = Map.of("LITESTREAM_ACCESS_KEY_ID", "LK", "LITESTREAM_SECRET_ACCESS_KEY", "LS",
                "AWS_ACCESS_KEY_ID", "AK", "AWS_SECRET_ACCESS_KEY", "AS");
        S3Settings chain = ReplicaClients.s3Settings(ReplicaConfig.ofUrl("s3://b/p"), awsToo);
        assertThat(chain.credentials().accessKeyId()).isNull(); // the AWS default chain reads AWS_* itself
        assertThat(chain.credentials().secretAccessKey()).isNull();

        ReplicaConfig own = new ReplicaConfig(null, null, "s3://b/p", null, null, null, null, null, false, "K", "S",
                null, null, null, null, null);
        assertThat(ReplicaClients.s3Settings(own, litestreamOnly).credentials().accessKeyId()).isEqualTo("K");
    }

    @Test
    void opensS3ThroughTheInjectedConstructor() {
        S3Settings[] seen = new S3Settings[1];
        ReplicaClient fake = new FileReplicaClient(Path.of("/unused"));
        ReplicaClient c = ReplicaClients.open(ReplicaConfig.ofUrl("s3://b.localhost:9000/x"), s -> {
            seen[0] = s;
            return fake;
        }, Map.of());
        assertThat(c.describe()).isEqualTo(fake.describe());
        assertThat(seen[0].bucket()).isEqualTo("b");
        assertThat(seen[0].endpoint()).isEqualTo(URI.create("http://localhost:9000"));
    }

    @Test
    void detectsUrls() {
        assertThat(ReplicaUrl.isUrl("s3://b/p")).isTrue();
        assertThat(ReplicaUrl.isUrl("file:///x")).isTrue();
        assertThat(ReplicaUrl.isUrl("/data/app.db")).isFalse();
        assertThat(ReplicaUrl.isUrl("app.db")).isFalse();
        assertThat(ReplicaUrl.isUrl("c:/x")).isFalse();
    }
}

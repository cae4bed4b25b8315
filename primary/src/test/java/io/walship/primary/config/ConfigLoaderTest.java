package io.walship.primary.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.follower.UpstreamTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String SOURCE = "/etc/walship.yml";

    @TempDir
    Path tmp;

    private final ConfigLoader loader = new ConfigLoader(
            Map.of("BUCKET", "my-bucket", "SECRET", "s3cr3t", "WHERE", "/data"), Path.of("/nonexistent/walship.yml"),
            Path.of("/nonexistent/litestream.yml"));

    private Config parse(String yaml) {
        return loader.parse(yaml, SOURCE, true);
    }

    private void assertError(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void loadsRealisticLitestreamConfig() {
        Config c = parse("""
                addr: ":9090"
                access-key-id: GLOBALKEY
                secret-access-key: ${SECRET}
                logging:
                  level: debug
                  type: json
                  stderr: yes
                some-future-key: ignored
                dbs:
                  - path: $WHERE/app.db
                    monitor-interval: 500ms
                    checkpoint-interval: 1h30m
                    min-checkpoint-page-count: 2_000
                    max-checkpoint-page-count: 0x4e20
                    unknown-db-key: [1, 2]
                    replicas:
                      - url: s3://$BUCKET/backups/app.db
                        sync-interval: 10s
                        retention: 72h
                      - name: local
                        path: /backups/app
                        snapshot-interval: 24h
                        validation-interval: 6h
                        retention-check-interval: 30m
                      - type: s3
                        bucket: other
                        path: /lead//x.db
                        endpoint: http://minio:9000
                        region: eu-west-1
                        access-key-id: OWN
                        secret-access-key: OWNSECRET
                        force-path-style: false
                        skip-verify: true
                  - path: /data/second.db
                    name: second
                    meta-path: /var/lib/walship/second
                """);
        assertThat(c.addr()).isEqualTo(":9090");
        assertThat(c.logLevel()).isEqualTo("debug");
        assertThat(c.logType()).isEqualTo("json");
        assertThat(c.logStderr()).isTrue();
        assertThat(c.dbs()).hasSize(2);

        DbConfig app = c.dbs().get(0);
        assertThat(app.path()).isEqualTo(Path.of("/data/app.db"));
        assertThat(app.effectiveName()).isEqualTo("app.db");
        assertThat(app.monitorInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(app.checkpointInterval()).isEqualTo(Duration.ofMinutes(90));
        assertThat(app.minCheckpointPageCount()).isEqualTo(2000);
        assertThat(app.maxCheckpointPageCount()).isEqualTo(20000);
        assertThat(app.effectiveMetaPath()).isEqualTo(Path.of("/data/.app.db-litestream"));

        ReplicaConfig s3 = app.replicas().get(0);
        assertThat(s3.url()).isEqualTo("s3://my-bucket/backups/app.db");
        assertThat(s3.accessKeyId()).isEqualTo("GLOBALKEY");
        assertThat(s3.secretAccessKey()).isEqualTo("s3cr3t");
        assertThat(s3.syncInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s3.retention()).isEqualTo(Duration.ofHours(72));
        assertThat(s3.retentionCheckInterval()).isEqualTo(ReplicaConfig.DEFAULT_RETENTION_CHECK_INTERVAL);
        assertThat(s3.snapshotInterval()).isEqualTo(Duration.ZERO);

        ReplicaConfig file = app.replicas().get(1);
        assertThat(file.name()).isEqualTo("local");
        assertThat(file.path()).isEqualTo("/backups/app");
        assertThat(file.syncInterval()).isEqualTo(ReplicaConfig.DEFAULT_SYNC_INTERVAL);
        assertThat(file.snapshotInterval()).isEqualTo(Duration.ofHours(24));
        assertThat(file.validationInterval()).isEqualTo(Duration.ofHours(6));
        assertThat(file.retentionCheckInterval()).isEqualTo(Duration.ofMinutes(30));

        ReplicaConfig own = app.replicas().get(2);
        assertThat(own.accessKeyId()).isEqualTo("OWN");
        assertThat(own.secretAccessKey()).isEqualTo("OWNSECRET");
        assertThat(own.forcePathStyle()).isFalse();
        assertThat(own.skipVerify()).isTrue();
        assertThat(own.region()).isEqualTo("eu-west-1");

        DbConfig second = c.dbs().get(1);
        assertThat(second.effectiveName()).isEqualTo("second");
        assertThat(second.effectiveMetaPath()).isEqualTo(Path.of("/var/lib/walship/second"));
        assertThat(second.monitorInterval()).isEqualTo(DbConfig.DEFAULT_MONITOR_INTERVAL);
        assertThat(second.checkpointInterval()).isEqualTo(DbConfig.DEFAULT_CHECKPOINT_INTERVAL);
        assertThat(second.minCheckpointPageCount()).isEqualTo(DbConfig.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT);
        assertThat(second.maxCheckpointPageCount()).isEqualTo(DbConfig.DEFAULT_MAX_CHECKPOINT_PAGE_COUNT);
        assertThat(second.replicas()).isEmpty();
        assertThat(c.db(Path.of("/data/../data/second.db"))).contains(second);
    }

    @Test
    void keepsTheStreamBlockAsARawMapAndReadsTheUpstream() {
        Config c = parse("""
                stream:
                  token: 0123
                  tls-cert: /etc/walship/cert.pem
                dbs:
                  - path: /data/replica.db
                    upstream:
                      url: http://primary:9090/app.db
                      token: abc
                """);
        assertThat(c.stream()).containsEntry("token", "0123").containsEntry("tls-cert", "/etc/walship/cert.pem");
        assertThat(c.dbs().get(0).upstreams()).containsExactly(UpstreamConfig.stream("http://primary:9090/app.db", "abc",
                UpstreamTls.defaults(), false));
    }

    @Test
    void upstreamsListStreamsAndArchivesInOrderWithTheReplicaKeys() {
        Config c = parse("""
                access-key-id: global-key
                secret-access-key: global-secret
                dbs:
                  - path: /data/replica.db
                    upstreams:
                      - url: http://primary:9090/app.db
                        token: abc
                      - url: http://relay:9091/app.db
                      - url: s3://bucket/backups/app.db
                        endpoint: http://minio:9000
                        region: eu-west-1
                        force-path-style: true
                        poll-interval: 250ms
                      - url: file:///archive/app.db
                """);
        List<UpstreamConfig> ups = c.dbs().get(0).upstreams();
        assertThat(ups).extracting(UpstreamConfig::url).containsExactly("http://primary:9090/app.db",
                "http://relay:9091/app.db", "s3://bucket/backups/app.db", "file:///archive/app.db");
        assertThat(ups.get(1).archive()).isNull();
        ReplicaConfig s3 = ups.get(2).archive();
        assertThat(s3.endpoint()).isEqualTo("http://minio:9000");
        assertThat(s3.region()).isEqualTo("eu-west-1");
        assertThat(s3.forcePathStyle()).isTrue();
        assertThat(s3.accessKeyId()).isEqualTo("global-key");
        assertThat(s3.secretAccessKey()).isEqualTo("global-secret");
        assertThat(ups.get(2).pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(ups.get(3).archive().url()).isEqualTo("file:///archive/app.db");
        assertThat(ups.get(3).pollInterval()).isEqualTo(UpstreamConfig.DEFAULT_POLL_INTERVAL);
    }

    @Test
    void upstreamProblemsNameTheirKey() {
        assertThatThrownBy(() -> parse("""
                dbs:
                  - path: /d.db
                    upstream: {url: http://p:1/d.db}
                    upstreams: [{url: http://p:1/d.db}]
                """)).hasMessageContaining("dbs[0].upstreams: cannot specify both upstream and upstreams");
        assertThatThrownBy(() -> parse("""
                dbs:
                  - path: /d.db
                    upstreams: [{url: http://p:1/d.db}, {token: x}]
                """)).hasMessageContaining("dbs[0].upstreams[1].url: required");
        assertThatThrownBy(() -> parse("""
                dbs:
                  - path: /d.db
                    upstreams: [{url: "s3://b/p", poll-interval: soon}]
                """)).hasMessageContaining("dbs[0].upstreams[0].poll-interval");
    }

    @Test
    void scalarsKeepTheirSourceText() {
        Config c = parse("""
                access-key-id: 0123
                secret-access-key: 1e3
                dbs:
                  - path: /d.db
                    replicas: [{url: "s3://b/p"}]
                """);
        assertThat(c.dbs().get(0).replicas().get(0).accessKeyId()).isEqualTo("0123");
        assertThat(c.dbs().get(0).replicas().get(0).secretAccessKey()).isEqualTo("1e3");
    }

    @Test
    void noExpandEnvKeepsDollars() {
        Config c = loader.parse("""
                dbs:
                  - path: /d.db
                    replicas:
                      - url: s3://b/p
                        secret-access-key: pa$$word${X}
                """, SOURCE, false);
        assertThat(c.dbs().get(0).replicas().get(0).secretAccessKey()).isEqualTo("pa$$word${X}");
    }

    @Test
    void unsetVariablesBecomeEmpty() {
        Config c = parse("""
                dbs:
                  - path: /d.db
                    replicas:
                      - url: s3://b/p
                        secret-access-key: pa$$word${UNSET}!
                """);
        assertThat(c.dbs().get(0).replicas().get(0).secretAccessKey()).isEqualTo("paword!");
    }

    @Test
    void expandsHomeAndRelativePaths() {
        Config c = parse("""
                dbs:
                  - path: ~/app.db
                  - path: rel/app.db
                """);
        assertThat(c.dbs().get(0).path()).isEqualTo(Path.of(System.getProperty("user.home"), "app.db"));
        assertThat(c.dbs().get(1).path()).isEqualTo(Path.of("rel/app.db").toAbsolutePath());
    }

    @Test
    void mergeKeysApply() {
        Config c = parse("""
                x-replica: &common
                  sync-interval: 5s
                  retention: 1h
                dbs:
                  - path: /d.db
                    replicas:
                      - <<: *common
                        url: s3://b/p
                        retention: 2h
                """);
        ReplicaConfig r = c.dbs().get(0).replicas().get(0);
        assertThat(r.syncInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(r.retention()).isEqualTo(Duration.ofHours(2));
    }

    /** Found by ConfigLoaderFuzzTest: an alias into its own mapping overflowed the stack. */
    @Test
    void aliasesThatLoopOrExplodeAreOneLineErrors() {
        assertError("stream: &s\n  token: t\n  self: *s\n",
                "/etc/walship.yml: stream: a YAML alias refers back to a mapping or list that contains it");
        assertError("dbs:\n  - &d\n    path: /d.db\n    <<: *d\n",
                "/etc/walship.yml: dbs[0]: a YAML alias refers back to a mapping or list that contains it");
        StringBuilder laughs = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i < 25; i++) {
            laughs.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        laughs.append("stream:\n  big: *a24\n");
        assertError(laughs.toString(), "/etc/walship.yml: stream: more than 100000 values after expanding YAML aliases");
    }

    @Test
    void emptyFileIsAnEmptyConfig() {
        assertThat(parse("").dbs()).isEmpty();
        assertThat(parse("# nothing\n").dbs()).isEmpty();
    }

    @Test
    void badDurationNamesFileAndKey() {
        assertError("""
                dbs:
                  - path: /d.db
                    replicas:
                      - path: /r1
                      - url: s3://b/p
                        sync-interval: 5x
                """, "/etc/walship.yml: dbs[0].replicas[1].sync-interval: invalid duration \"5x\"");
        assertError("""
                dbs:
                  - path: /d.db
                    monitor-interval: 10
                """, "/etc/walship.yml: dbs[0].monitor-interval: invalid duration \"10\"");
    }

    @Test
    void badScalarsNameFileAndKey() {
        assertError("dbs:\n  - path: /d.db\n    min-checkpoint-page-count: many\n",
                "/etc/walship.yml: dbs[0].min-checkpoint-page-count: invalid integer \"many\"");
        assertError("dbs:\n  - path: /d.db\n    replicas:\n      - path: /r\n        skip-verify: maybe\n",
                "/etc/walship.yml: dbs[0].replicas[0].skip-verify: invalid boolean \"maybe\"");
        assertError("dbs: /d.db\n", "/etc/walship.yml: dbs: expected a list");
        assertError("dbs:\n  - /d.db\n", "/etc/walship.yml: dbs[0]: expected a mapping of keys to values");
        assertError("addr: [1]\n", "/etc/walship.yml: addr: expected a single value");
        assertError("dbs:\n  - name: x\n", "/etc/walship.yml: dbs[0].path: database path required");
        assertError("- a\n", "/etc/walship.yml: expected a mapping of keys to values");
    }

    @Test
    void yamlSyntaxErrorIsOneLineWithPosition() {
        assertThatThrownBy(() -> parse("dbs:\n  - path: /d.db\n   bad: [\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/etc/walship.yml: invalid YAML: line ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void replicaErrorsNameFileAndKey() {
        assertError("dbs:\n  - path: /d.db\n    replicas:\n      - url: s3://b/p\n        path: /x\n",
                "/etc/walship.yml: dbs[0].replicas[0].url: cannot specify both url and path for an s3 replica");
        assertError("dbs:\n  - path: /d.db\n    replicas:\n      - url: s3://b/p\n        bucket: b\n",
                "/etc/walship.yml: dbs[0].replicas[0].url: cannot specify both url and bucket for an s3 replica");
        assertError("dbs:\n  - path: /d.db\n    replicas:\n      - url: file:///r\n        path: /x\n",
                "/etc/walship.yml: dbs[0].replicas[0].url: cannot specify both url and path for a file replica");
        assertError("dbs:\n  - path: /d.db\n    replicas:\n      - type: ftp\n        path: /x\n",
                "/etc/walship.yml: dbs[0].replicas[0].type: unknown replica type \"ftp\" (expected file or s3)");
        assertError("dbs:\n  - path: /d.db\n    replicas:\n      - type: gcs\n        bucket: x\n",
                "/etc/walship.yml: dbs[0].replicas[0].type: gcs replicas are not supported by walship (use s3 or file)");
        assertError("dbs:\n  - path: /d.db\n    replicas:\n      - path: s3://b/p\n",
                "/etc/walship.yml: dbs[0].replicas[0].path: replica path cannot be a URL, use the url key instead: s3://b/p");
        assertError("dbs:\n  - path: /d.db\n    replicas:\n      - type: s3\n        path: p\n",
                "/etc/walship.yml: dbs[0].replicas[0].bucket: bucket required for s3 replica");
        assertError("dbs:\n  - path: /d.db\n    replicas:\n      - name: x\n",
                "/etc/walship.yml: dbs[0].replicas[0].path: file replica path required");
        assertError("dbs:\n  - path: /d.db\n    replicas:\n      - url: s3://b.localhost:x/p\n",
                "/etc/walship.yml: dbs[0].replicas[0].url: invalid replica URL \"s3://b.localhost:x/p\": invalid port \"x\"");
    }

    @Test
    void missingFileNamesIt() {
        Path missing = tmp.resolve("nope.yml");
        assertThatThrownBy(() -> loader.load(missing, true))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": config file not found");
    }

    @Test
    void loadsFromFile() throws Exception {
        Path file = tmp.resolve("litestream.yml");
        Files.writeString(file, "dbs:\n  - path: /d.db\n    replicas:\n      - url: s3://$BUCKET/x\n");
        assertThat(loader.load(file, true).dbs().get(0).replicas().get(0).url()).isEqualTo("s3://my-bucket/x");
    }

    @Test
    void resolvesConfigPath() throws Exception {
        Path walship = tmp.resolve("walship.yml");
        Path litestream = tmp.resolve("litestream.yml");
        ConfigLoader noEnv = new ConfigLoader(Map.of(), walship, litestream);
        assertThat(noEnv.resolvePath(null)).isEqualTo(walship);
        Files.writeString(litestream, "");
        assertThat(noEnv.resolvePath(null)).isEqualTo(litestream);
        Files.writeString(walship, "");
        assertThat(noEnv.resolvePath("")).isEqualTo(walship);
        assertThat(noEnv.resolvePath("/x/given.yml")).isEqualTo(Path.of("/x/given.yml"));

        ConfigLoader withEnv = new ConfigLoader(Map.of("WALSHIP_CONFIG", "/from/env.yml"), walship, litestream);
        assertThat(withEnv.resolvePath(null)).isEqualTo(Path.of("/from/env.yml"));
        assertThat(withEnv.resolvePath("/x/given.yml")).isEqualTo(Path.of("/x/given.yml"));
    }
}

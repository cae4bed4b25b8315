package io.walship.primary.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DirConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of(), Path.of("/nonexistent/walship.yml"),
            Path.of("/nonexistent/litestream.yml"));

    private Config parse(String yaml) {
        return loader.parse(yaml, "/etc/walship.yml", true);
    }

    private void assertError(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void dirEntryAppliesItsSettingsToEveryFileItCovers() {
        Config c = parse("""
                dbs:
                  - path: /data/main.db
                  - dir: /data/tenants
                    pattern: "*.db"
                    recursive: true
                    scan-interval: 2s
                    monitor-interval: 250ms
                    backlog-budget: 64MiB
                    replicas:
                      - url: s3://bucket/tenants?endpoint=http://127.0.0.1:9000
                        sync-interval: 3s
                      - path: /backups/tenants/
                """);
        assertThat(c.dbs()).extracting(DbConfig::path).containsExactly(Path.of("/data/main.db"));
        DirConfig dir = c.dirs().get(0);
        assertThat(dir.dir()).isEqualTo(Path.of("/data/tenants"));
        assertThat(dir.recursive()).isTrue();
        assertThat(dir.scanInterval()).isEqualTo(Duration.ofSeconds(2));

        DbConfig db = c.db(Path.of("/data/tenants/eu/acme.db")).orElseThrow();
        assertThat(db.path()).isEqualTo(Path.of("/data/tenants/eu/acme.db"));
        assertThat(db.effectiveName()).isEqualTo("eu/acme.db");
        assertThat(db.effectiveMetaPath()).isEqualTo(Path.of("/data/tenants/eu/.acme.db-litestream"));
        assertThat(db.monitorInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(db.backlogBudget()).isEqualTo(64L << 20);
        assertThat(db.replicas().get(0).url()).isEqualTo("s3://bucket/tenants/eu/acme.db?endpoint=http://127.0.0.1:9000");
        assertThat(db.replicas().get(0).syncInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(db.replicas().get(1).path()).isEqualTo("/backups/tenants/eu/acme.db");
        assertThat(c.db(Path.of("/data/main.db")).orElseThrow().replicas()).isEmpty();
    }

    @Test
    void coversOnlyMatchingNamesOutsideMetaDirsAndCompanions() {
        DirConfig flat = parse("dbs:\n  - dir: /data\n    pattern: \"*.db\"\n    replica: {path: /r}\n").dirs().get(0);
        assertThat(flat.database(Path.of("/data/a.db"))).isPresent();
        assertThat(flat.database(Path.of("/data/sub/a.db"))).as("not recursive").isEmpty();
        assertThat(flat.database(Path.of("/data/a.sqlite"))).isEmpty();
        assertThat(flat.database(Path.of("/data"))).isEmpty();
        assertThat(flat.database(Path.of("/other/a.db"))).isEmpty();

        DirConfig all = parse("dbs:\n  - dir: /data\n    pattern: \"*\"\n    recursive: yes\n").dirs().get(0);
        assertThat(all.database(Path.of("/data/sub/deeper/a"))).isPresent();
        for (String companion : new String[] {"a-wal", "a-shm", "a-journal", "a.db.tmp"}) {
            assertThat(all.database(Path.of("/data/sub", companion))).as(companion).isEmpty();
        }
        assertThat(all.database(Path.of("/data/.a-litestream/generations/x"))).isEmpty();
        assertThat(all.database(Path.of("/data/a-litestream/position"))).isEmpty();
    }

    @Test
    void singleReplicaFormOfLitestreamFive() {
        Config c = parse("dbs:\n  - path: /d.db\n    replica:\n      url: file:///backups/d\n");
        assertThat(c.dbs().get(0).replicas()).extracting(ReplicaConfig::url).containsExactly("file:///backups/d");
    }

    @Test
    void replicaPathsGainTheRelativePath() {
        ReplicaConfig s3 = ReplicaConfig.ofUrl("s3://bucket");
        assertThat(s3.under("a.db").url()).isEqualTo("s3://bucket/a.db");
        assertThat(ReplicaConfig.ofUrl("file:///backups/").under("x/a.db").url()).isEqualTo("file:///backups/x/a.db");
        assertThat(ReplicaConfig.ofUrl("s3://b/p?region=eu-west-1").under("odd?#%.db").url())
                .isEqualTo("s3://b/p/odd%3F%23%25.db?region=eu-west-1");
        ReplicaConfig bucketOnly = new ReplicaConfig(null, "s3", null, null, "bucket", null, null, null, false, null,
                null, null, null, null, null, null);
        assertThat(bucketOnly.under("a.db").path()).isEqualTo("a.db");
    }

    @Test
    void dirEntryErrorsNameTheKey() {
        assertError("dbs:\n  - dir: /data\n", "/etc/walship.yml: dbs[0].pattern: required with dir, e.g. \"*.db\"");
        assertError("dbs:\n  - dir: /data\n    path: /data/a.db\n    pattern: \"*\"\n",
                "/etc/walship.yml: dbs[0].path: not allowed with dir (each database found is named by its path relative to dir)");
        assertError("dbs:\n  - dir: /data\n    name: a\n    pattern: \"*\"\n",
                "/etc/walship.yml: dbs[0].name: not allowed with dir (each database found is named by its path relative to dir)");
        assertError("dbs:\n  - dir: /data\n    pattern: \"[a\"\n",
                "/etc/walship.yml: dbs[0].pattern: invalid glob \"[a\": Missing ']");
        assertError("dbs:\n  - dir: /data\n    pattern: \"*\"\n    scan-interval: soon\n",
                "/etc/walship.yml: dbs[0].scan-interval: invalid duration \"soon\"");
        assertError("dbs:\n  - path: /d.db\n    replica: {path: /a}\n    replicas: [{path: /b}]\n",
                "/etc/walship.yml: dbs[0].replica: cannot specify both replica and replicas");
        assertError("dbs:\n  - dir: /data\n    pattern: \"*\"\n    replica: {type: s3}\n",
                "/etc/walship.yml: dbs[0].replica.bucket: bucket required for s3 replica");
    }
}

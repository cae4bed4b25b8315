package io.walship.primary.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.primary.credentials.CredentialSettings;
import io.walship.primary.credentials.IotSettings;
import io.walship.primary.replica.ReplicaClients;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** walship's credential keys and backlog-budget in a config file, beside Litestream's static keys. */
class CredentialKeysTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of(), Path.of("/etc/walship.yml"), Path.of("/etc/litestream.yml"));

    private Config parse(String yaml) {
        return loader.parse(yaml, "/etc/walship.yml", true);
    }

    private CredentialSettings credentials(Config c, int db) {
        return ReplicaClients.credentials(c.dbs().get(db).replicas().get(0), Map.of());
    }

    @Test
    void readsEverySourcePerReplica() {
        Config c = parse("""
                dbs:
                  - path: /a.db
                    replicas: [{url: "s3://b/a", credentials-file: /etc/walship/aws-credentials, profile: device}]
                  - path: /b.db
                    replicas: [{url: "s3://b/b", credential-process: "/usr/bin/helper --role x"}]
                  - path: /c.db
                    backlog-budget: 256MiB
                    replicas:
                      - url: s3://b/c
                        iot:
                          endpoint: abc.credentials.iot.eu-west-1.amazonaws.com
                          role-alias: walship
                          thing-name: pi-42
                          cert: /etc/walship/device.pem.crt
                          key: /etc/walship/private.pem.key
                          ca: /etc/walship/AmazonRootCA1.pem
                  - path: /d.db
                    replicas: [{url: "s3://b/d"}]
                """);
        assertThat(credentials(c, 0)).isEqualTo(new CredentialSettings(null, null, "device",
                Path.of("/etc/walship/aws-credentials"), null, null));
        assertThat(credentials(c, 1).credentialProcess()).isEqualTo("/usr/bin/helper --role x");
        assertThat(credentials(c, 2).iot()).isEqualTo(new IotSettings("abc.credentials.iot.eu-west-1.amazonaws.com",
                "walship", "pi-42", Path.of("/etc/walship/device.pem.crt"), "/etc/walship/private.pem.key",
                Path.of("/etc/walship/AmazonRootCA1.pem")));
        assertThat(credentials(c, 3)).isEqualTo(CredentialSettings.DEFAULT_CHAIN);
        assertThat(c.dbs().get(2).backlogBudget()).isEqualTo(256L << 20);
        assertThat(c.dbs().get(0).backlogBudget()).isEqualTo(DbConfig.DEFAULT_BACKLOG_BUDGET);
    }

    @Test
    void globalSourcesApplyToReplicasWithoutTheirOwn() {
        Config c = parse("""
                credential-process: /usr/bin/helper
                dbs:
                  - path: /a.db
                    replicas: [{url: "s3://b/a"}]
                  - path: /b.db
                    replicas: [{url: "s3://b/b", access-key-id: K, secret-access-key: S}]
                """);
        assertThat(credentials(c, 0).sourceName()).isEqualTo("credential-process");
        assertThat(credentials(c, 1)).isEqualTo(CredentialSettings.ofStatic("K", "S"));
    }

    @Test
    void twoSourcesForOneReplicaAreAnError() {
        assertThatThrownBy(() -> parse("""
                dbs:
                  - path: /a.db
                    replicas: [{url: "s3://b/a", access-key-id: K, secret-access-key: S, credential-process: x}]
                """)).isInstanceOf(ConfigException.class).hasMessage("/etc/walship.yml: dbs[0].replicas[0]."
                + "credential-process: choose one credential source, not access-key-id and credential-process");
    }

    @Test
    void iotNeedsItsKeysAndAWellFormedPkcs11Uri() {
        assertThatThrownBy(() -> parse("""
                dbs:
                  - path: /a.db
                    replicas: [{url: "s3://b/a", iot: {endpoint: e, cert: /c, key: /k}}]
                """)).hasMessage("/etc/walship.yml: dbs[0].replicas[0].iot.role-alias: required for the AWS IoT credential provider");
        assertThatThrownBy(() -> parse("""
                dbs:
                  - path: /a.db
                    replicas: [{url: "s3://b/a", iot: {endpoint: e, role-alias: r, cert: /c, key: "pkcs11:token=t;object=k"}}]
                """)).hasMessageStartingWith("/etc/walship.yml: dbs[0].replicas[0].iot.key: module-path=… is required");
        String key = "pkcs11:token=t;object=k?module-path=/usr/lib/libtoken.so&pin-value=1234";
        Config c = parse("""
                dbs:
                  - path: /a.db
                    replicas: [{url: "s3://b/a", iot: {endpoint: e, role-alias: r, cert: /c, key: "%s"}}]
                """.formatted(key));
        assertThat(credentials(c, 0).iot().key()).isEqualTo(key);
        assertThat(credentials(c, 0).iot().toString()).doesNotContain("1234");
    }

    @Test
    void backlogBudgetTakesSizes() {
        assertThat(ByteSize.parse("1073741824")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("512MB")).isEqualTo(512_000_000L);
        assertThat(ByteSize.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("200M")).isEqualTo(200L << 20);
        assertThat(ByteSize.parse("0")).isZero();
        assertThatThrownBy(() -> parse("dbs: [{path: /a.db, backlog-budget: lots}]"))
                .hasMessage("/etc/walship.yml: dbs[0].backlog-budget: invalid size \"lots\" (e.g. 1073741824, 512MB, 1GiB)");
    }
}

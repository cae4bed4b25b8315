package io.walship.primary.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.walship.primary.replica.AgeKeys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Litestream's {@code age:} replica block: how it reads, how its mistakes are reported, that identities stay hidden. */
class AgeConfigTest {
    private final KeyPair one = new X25519KeyPairGenerator().generateKeyPair();
    private final KeyPair two = new X25519KeyPairGenerator().generateKeyPair();
    private final String identity = one.getPrivate().toString();
    private final String recipient = one.getPublic().toString();

    AgeConfigTest() throws Exception {
    }

    private ReplicaConfig replica(String ageBlock) {
        ConfigLoader loader = new ConfigLoader(Map.of("AGE_IDENTITY", identity), Path.of("/nonexistent/a.yml"),
                Path.of("/nonexistent/b.yml"));
        return loader.parse("""
                dbs:
                  - path: /data/app.db
                    replicas:
                      - url: file:///backups/app
                %s""".formatted(ageBlock.indent(8)), "/etc/walship.yml", true).dbs().get(0).replicas().get(0);
    }

    @Test
    void readsLitestreamsBlockWithEnvironmentAndKeyFileText() {
        ReplicaConfig rc = replica("""
                age:
                  identities:
                    - $AGE_IDENTITY
                    - |
                      # created: 2024-01-01T00:00:00Z
                      # public key: %s

                      %s
                  recipients: [%s, %s]
                """.formatted(two.getPublic(), two.getPrivate(), recipient, two.getPublic()));
        assertThat(rc.age().identities()).hasSize(2).first().isEqualTo(identity);
        AgeKeys keys = AgeKeys.parse(rc.age());
        assertThat(keys.identities()).hasSize(2);
        assertThat(keys.recipients()).hasSize(2);
        assertThat(rc.toString()).doesNotContain(identity).doesNotContain(two.getPrivate().toString())
                .contains("identities=2 hidden").contains(recipient);
    }

    @Test
    void everyDatabaseOfADirEntryKeepsItsReplicasKeys() {
        Config c = new ConfigLoader(Map.of(), Path.of("/nonexistent/a.yml"), Path.of("/nonexistent/b.yml")).parse("""
                dbs:
                  - dir: /data
                    pattern: "*.db"
                    replica:
                      url: s3://bucket/backups
                      age: {recipients: [%s]}
                """.formatted(recipient), "/etc/walship.yml", true);
        ReplicaConfig found = c.dirs().get(0).database(Path.of("/data/app.db")).orElseThrow().replicas().get(0);
        assertThat(found.url()).isEqualTo("s3://bucket/backups/app.db");
        assertThat(found.age().recipients()).containsExactly(recipient);
    }

    @Test
    void anEmptyOrMissingBlockEncryptsNothing() {
        assertThat(replica("").age()).isNull();
        assertThat(replica("age: {}").age()).isNull();
        assertThat(replica("age: {identities: [], recipients: []}").age()).isNull();
        assertThat(replica("age: {recipients: [" + recipient + "]}").age().identities()).isEmpty();
    }

    @Test
    void mistakesNameTheKeyAndLineButNeverAnIdentity() {
        String damaged = identity.substring(0, identity.length() - 2) + "QQ";
        assertThatThrownBy(() -> replica("age: {identities: [\"# mine\\n" + damaged + "\"]}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/etc/walship.yml: dbs[0].replicas[0].age.identities[0]: line 2 is not an age X25519"
                        + " identity (expected AGE-SECRET-KEY-1...)")
                .hasMessageNotContaining(damaged.substring(20));
        assertThatThrownBy(() -> replica("age: {recipients: [" + recipient + ", " + identity + "]}"))
                .hasMessage("/etc/walship.yml: dbs[0].replicas[0].age.recipients[1]: line 1 is an age identity"
                        + " (a secret key); recipients are public keys (age1...)");
        assertThatThrownBy(() -> replica("age: {recipients: [age1nope]}"))
                .hasMessageStartingWith("/etc/walship.yml: dbs[0].replicas[0].age.recipients[0]: line 1: invalid age"
                        + " X25519 recipient \"age1nope\" (expected age1...): ");
        assertThatThrownBy(() -> replica("age: {identities: [\"# only a comment\"]}"))
                .hasMessage("/etc/walship.yml: dbs[0].replicas[0].age.identities[0]: no age identity found");
        assertThatThrownBy(() -> replica("age: {identities: " + identity + "}"))
                .hasMessage("/etc/walship.yml: dbs[0].replicas[0].age.identities: expected a list");
        assertThatThrownBy(() -> replica("age: {recipients: [[" + recipient + "]]}"))
                .hasMessage("/etc/walship.yml: dbs[0].replicas[0].age.recipients[0]: expected a single value");
    }
}

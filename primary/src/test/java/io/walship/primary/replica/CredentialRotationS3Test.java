package io.walship.primary.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.embeddeds3.EmbeddedS3;
import io.walship.embeddeds3.FakeIotCredentialsEndpoint;
import io.walship.embeddeds3.TestPki;
import io.walship.primary.credentials.CredentialSettings;
import io.walship.primary.credentials.IotSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running S3 client whose server is restarted on the same port and data with other keys: the credential source
 * hands out the new keys and the same client carries on, after at most one refused request.
 */
class CredentialRotationS3Test {
    private static final String GEN = "0123456789abcdef";

    @TempDir
    Path dir;
    EmbeddedS3 s3;

    @AfterEach
    void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    private void restartWith(String key, String secret) throws Exception {
        int port = s3.port();
        s3.close();
        s3 = EmbeddedS3.startOnDisk(key, secret, dir.resolve("s3"), port);
    }

    private S3Settings settings(CredentialSettings credentials) {
        return new S3Settings("bkt", "db", s3.endpoint(), "us-east-1", true, credentials, false);
    }

    @Test
    void aCredentialProcessWithoutExpiryIsRunAgainAfterTheServerRefusedItsKeys() throws Exception {
        s3 = EmbeddedS3.startOnDisk("AKIAK1", "secret-1", dir.resolve("s3"), 0);
        s3.createBucket("bkt");
        Path current = dir.resolve("current");
        Files.writeString(current, "AKIAK1 secret-1\n");
        Path script = dir.resolve("creds.sh");
        Files.writeString(script, "#!/bin/sh\nread K S < " + current
                + "\nprintf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"}' \"$K\" \"$S\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        try (S3ReplicaClient client = new S3ReplicaClient(settings(
                new CredentialSettings(null, null, null, null, script.toString(), null)))) {
            client.writeWalSegment(GEN, 0, 0, new byte[] {1, 2, 3});

            restartWith("AKIAK2", "secret-2");
            Files.writeString(current, "AKIAK2 secret-2\n");
            assertThatThrownBy(client::generations).hasMessageContaining("access denied")
                    .hasMessageContaining("InvalidAccessKeyId");
            assertThat(client.generations()).containsExactly(GEN);
            client.writeWalSegment(GEN, 0, 3, new byte[] {4});
            assertThat(client.walSegments(GEN)).hasSize(2);
        }
    }

    @Test
    void iotSessionCredentialsSignRequestsAndRotate() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        s3 = EmbeddedS3.startOnDisk("ASIAK1", "secret-1", dir.resolve("s3"), 0);
        s3.createBucket("bkt");
        try (FakeIotCredentialsEndpoint iot = FakeIotCredentialsEndpoint.start(pki, "alias")) {
            iot.setCredentials("ASIAK1", "secret-1", Instant.now().plus(Duration.ofHours(1)));
            IotSettings device = new IotSettings(iot.endpoint(), "alias", "thing", pki.deviceCertPem(),
                    pki.deviceKeyPem().toString(), pki.caPem());
            try (S3ReplicaClient client = new S3ReplicaClient(settings(
                    new CredentialSettings(null, null, null, null, null, device)))) {
                client.writeWalSegment(GEN, 0, 0, new byte[] {1});
                assertThat(client.credentialsExpiry()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));

                restartWith("ASIAK2", "secret-2");
                iot.setCredentials("ASIAK2", "secret-2", Instant.now().plus(Duration.ofHours(2)));
                assertThatThrownBy(client::generations).hasMessageContaining("InvalidAccessKeyId");
                assertThat(client.generations()).containsExactly(GEN);
                assertThat(client.credentialsExpiry()).isAfter(Instant.now().plus(Duration.ofMinutes(119)));
                assertThat(iot.requests()).isEqualTo(2);
            }
        }
    }

    @Test
    void anUnavailableCredentialSourceIsAOneLineReplicaError() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        s3 = EmbeddedS3.startOnDisk("ASIAK1", "secret-1", dir.resolve("s3"), 0);
        try (FakeIotCredentialsEndpoint iot = FakeIotCredentialsEndpoint.start(pki, "alias")) {
            iot.failWith(403);
            IotSettings device = new IotSettings(iot.endpoint(), "alias", "thing", pki.deviceCertPem(),
                    pki.deviceKeyPem().toString(), pki.caPem());
            try (S3ReplicaClient client = new S3ReplicaClient(settings(
                    new CredentialSettings(null, null, null, null, null, device)))) {
                assertThatThrownBy(client::generations).isInstanceOf(IOException.class)
                        .hasMessageStartingWith("s3://bkt/db (endpoint " + s3.endpoint() + "): no usable credentials"
                                + " while listing generations/: cannot obtain credentials from the AWS IoT credential provider")
                        .hasMessageContaining("HTTP 403: Access Denied")
                        .hasMessageNotContaining("\n");
            }
        }
    }
}

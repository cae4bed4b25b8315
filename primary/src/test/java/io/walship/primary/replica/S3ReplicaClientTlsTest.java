package io.walship.primary.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.embeddeds3.EmbeddedS3;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skip-verify against S3Proxy over HTTPS with a self-signed certificate whose name is not the endpoint's host. */
class S3ReplicaClientTlsTest {
    private static final String GEN = "0123456789abcdef";
    private static EmbeddedS3 proxy;

    @BeforeAll
    static void startProxy(@TempDir Path dir) throws Exception {
        proxy = EmbeddedS3.startWithTls("access", "secret", EmbeddedS3.selfSignedKeyStore(dir));
        proxy.createBucket("tls");
    }

    @AfterAll
    static void stopProxy() throws Exception {
        proxy.stop();
    }

    private static S3ReplicaClient client(boolean skipVerify) {
        return new S3ReplicaClient(new S3Settings("tls", "db", proxy.secureEndpoint(), null, true, "access", "secret",
                skipVerify));
    }

    @Test
    void skipVerifyAcceptsAnUntrustedCertificate() throws Exception {
        try (S3ReplicaClient client = client(true)) {
            client.writeWalSegment(GEN, 1, 0, new byte[] {1, 2, 3});

            assertThat(client.walSegments(GEN)).hasSize(1);
            assertThat(ReplicaClientContract.readAll(client.openWalSegment(GEN, 1, 0))).containsExactly(1, 2, 3);
        }
    }

    @Test
    void withoutSkipVerifyAnUntrustedCertificateIsATlsFailure() {
        try (S3ReplicaClient client = client(false)) {
            assertThatThrownBy(client::generations).isInstanceOf(IOException.class)
                    .hasMessageStartingWith(client.describe() + ": TLS failure with endpoint " + proxy.secureEndpoint())
                    .hasMessageContaining("skip-verify");
        }
    }
}

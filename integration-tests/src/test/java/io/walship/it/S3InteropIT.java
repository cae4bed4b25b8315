package io.walship.it;

import io.walship.embeddeds3.EmbeddedS3;
import io.walship.embeddeds3.S3Access;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link S3InteropScenarios} on S3Proxy in-process on loopback: always runs. */
class S3InteropIT extends S3InteropScenarios {
    private static EmbeddedS3 server;

    @BeforeAll
    static void startServer() throws Exception {
        server = EmbeddedS3.start(ACCESS, SECRET);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    S3Access s3() {
        return server.access();
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.embeddeds3.TestPki;
import io.walship.follower.PositionFile;
import io.walship.tls.ClientTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream over mutual TLS with a bearer token, every party its own process configured from YAML only: the
 * primary's {@code stream:} block and the follower's {@code upstream:} block, certificates from a throw-away CA.
 * A follower without a client certificate stops with one line and exit 1; the one with it converges.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StreamTlsProcessesIT {
    private static final String TOKEN = "it-s3cret-token";

    @TempDir
    Path dir;

    @Test
    void aFollowerWithItsCertificateFollowsOverMutualTlsAndOneWithoutIsRefused() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Path db = dir.resolve("app.db");
        int port = WalshipProcess.freePort();
        Path primaryConfig = dir.resolve("primary.yml");
        Files.writeString(primaryConfig, """
                addr: 127.0.0.1:%d
                stream:
                  token: %s
                  tls-cert: %s
                  tls-key: %s
                  client-ca: %s
                dbs:
                  - path: %s
                    replicas:
                      - url: %s
                """.formatted(port, TOKEN, pki.serverCertPem(), pki.serverKeyPem(), pki.caPem(), db,
                WalshipProcess.fileUrl(dir.resolve("replica"))));
        Path copy = dir.resolve("copy.db");
        Path followerConfig = dir.resolve("follower.yml");
        Files.writeString(followerConfig, """
                dbs:
                  - path: %s
                    upstream:
                      url: https://127.0.0.1:%d/app.db
                      token: %s
                      ca: %s
                      cert: %s
                      key: %s
                """.formatted(copy, port, TOKEN, pki.caPem(), pki.deviceCertPem(), pki.deviceKeyPem()));
        PrimaryHttp primary = new PrimaryHttp("https://127.0.0.1:" + port, "app.db",
                ClientTls.context(pki.caPem(), pki.deviceCertPem(), pki.deviceKeyPem()), TOKEN);

        try (SqliteFixture app = SqliteFixture.create(db, 4096);
                RunningProcess walship = WalshipProcess.start("replicate", "-config", primaryConfig.toString())) {
            assertThat(walship.awaitLine(l -> l.contains("serving followers on"), WalshipProcess.TIMEOUT))
                    .contains("mutual TLS");
            SqliteFixture.exec(app.connection(), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");

            ProcessResult anonymous = WalshipProcess.follow("https://127.0.0.1:" + port + "/app.db",
                    dir.resolve("anonymous.db"), "-ca", pki.caPem().toString(), "-token", TOKEN)
                    .await(WalshipProcess.TIMEOUT);
            assertThat(anonymous.exitCode()).as(anonymous.describe()).isEqualTo(1);
            assertThat(anonymous.stderrLines()).as(anonymous.describe()).last().asString()
                    .startsWith("walship: https://127.0.0.1:" + port + "/app.db: the primary refused the client"
                            + " certificate");

            try (RunningProcess follower = WalshipProcess.start("follow", "-config", followerConfig.toString())) {
                for (int i = 0; i < 200; i++) {
                    SqliteFixture.exec(app.connection(), "INSERT INTO t (v) VALUES ('row " + i + "')");
                }
                Convergence.await(primary, copy, Duration.ofSeconds(90), follower::assertAlive);
                DbCompare.assertSameContent(app.connection(), copy);
                DbCompare.assertIntegrityOk(copy);
                assertThat(PositionFile.of(copy).read()).isEqualTo(primary.pos());
                ProcessResult stopped = follower.terminate(Duration.ofSeconds(30));
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
                assertThat(stopped.stdout() + stopped.stderr()).doesNotContain(TOKEN);
            }
            ProcessResult stopped = walship.terminate(Duration.ofSeconds(60));
            assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
            assertThat(stopped.stdout() + stopped.stderr()).doesNotContain(TOKEN);
        }
    }
}

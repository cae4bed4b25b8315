package io.walship.primary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.walship.embeddeds3.TestPki;
import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.TlsRefusedException;
import io.walship.follower.UpstreamTls;
import io.walship.follower.UpstreamUrl;
import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.config.DbConfig;
import io.walship.protocol.Pos;
import io.walship.tls.ClientTls;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream over HTTPS between the real server and the real follower, with certificates from a throw-away CA:
 * server verification, mutual TLS, and the refusals a wrong CA or a missing client certificate get.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StreamTlsTest {
    @TempDir
    static Path pkiDir;
    static TestPki pki;

    @TempDir
    Path dir;
    Connection app;
    CapturedDatabase db;
    StreamServer server;
    final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeAll
    static void makePki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    @BeforeEach
    void setUp() throws Exception {
        Path dbPath = dir.resolve("app.db");
        app = DriverManager.getConnection("jdbc:sqlite:" + dbPath);
        exec(app, "PRAGMA journal_mode=wal");
        exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        db = CapturedDatabase.open(DbConfig.of(dbPath, List.of()));
        commit(50);
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        if (server != null) {
            server.close();
        }
        db.close();
        app.close();
    }

    private void serve(Path clientCa) throws Exception {
        serve(clientCa, ConnectionLimits.defaults());
    }

    private void serve(Path clientCa, ConnectionLimits limits) throws Exception {
        start(StreamServerOptions.defaults().withTls(new ServerTls(pki.serverCertPem(), pki.serverKeyPem(), clientCa))
                .withConnectionLimits(limits));
    }

    private void start(StreamServerOptions options) throws Exception {
        server = StreamServer.start(Map.of("app.db", db)::get, options.withSpoolDir(dir));
    }

    private StreamFollower follower(String file, UpstreamTls tls) throws Exception {
        UpstreamUrl url = UpstreamUrl.parse("https://127.0.0.1:" + server.port() + "/app.db");
        return StreamFollower.open(FollowerOptions.of(url, dir.resolve(file)).withTls(tls)
                .withMaxBackoff(Duration.ofMillis(200)));
    }

    private Pos commit(int rows) throws Exception {
        exec(app, "BEGIN");
        for (int i = 0; i < rows; i++) {
            exec(app, "INSERT INTO t (v) VALUES (randomblob(500))");
        }
        exec(app, "COMMIT");
        db.sync();
        return db.position();
    }

    /** Runs the follower until it has the primary's latest commit, then checks the copy. */
    private void assertFollows(StreamFollower f, Path copy) throws Exception {
        Future<?> running = pool.submit(() -> {
            f.run();
            return null;
        });
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> f.visiblePosition().isPresent() || running.isDone());
            Pos last = commit(20);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> f.visiblePosition().equals(Optional.of(last)) || running.isDone());
            assertThat(running.isDone()).as("the follower stopped").isFalse();
            assertThat(query(copy, "SELECT count(*) FROM t")).isEqualTo("70");
            assertThat(query(copy, "PRAGMA integrity_check")).isEqualTo("ok");
        } finally {
            f.close();
            running.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void followsAnHttpsPrimaryItsCaVouchesFor() throws Exception {
        serve(null);
        assertThat(server.security()).isEqualTo("TLS");
        assertFollows(follower("f.db", new UpstreamTls(pki.caPem(), null, null)), dir.resolve("f.db"));
    }

    @Test
    void mutualTlsRefusesAFollowerWithoutACertificateAndServesOneWithIt() throws Exception {
        serve(pki.caPem());
        assertThat(server.security()).isEqualTo("mutual TLS");
        try (StreamFollower anonymous = follower("anon.db", new UpstreamTls(pki.caPem(), null, null))) {
            assertThatThrownBy(anonymous::run).isInstanceOf(TlsRefusedException.class)
                    .hasMessageContaining("refused the client certificate").hasMessageContaining("upstream.cert");
        }
        assertFollows(follower("f.db", new UpstreamTls(pki.caPem(), pki.deviceCertPem(), pki.deviceKeyPem())),
                dir.resolve("f.db"));
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() throws Exception {
        // the device certificate's own CA is not the one the server requires
        serve(pki.serverCertPem());
        try (StreamFollower f = follower("f.db", new UpstreamTls(pki.caPem(), pki.deviceCertPem(), pki.deviceKeyPem()))) {
            assertThatThrownBy(f::run).isInstanceOf(TlsRefusedException.class)
                    .hasMessageContaining("refused the client certificate");
        }
    }

    @Test
    void aPrimaryCertificateNotFromTheConfiguredCaIsRefusedWithOneClearLine() throws Exception {
        serve(null);
        // a wrong CA file, then none (the JDK's trust store, which knows no test CA)
        for (UpstreamTls tls : List.of(new UpstreamTls(pki.deviceCertPem(), null, null), UpstreamTls.defaults())) {
            try (StreamFollower f = follower("f.db", tls)) {
                assertThatThrownBy(f::run).isInstanceOf(TlsRefusedException.class)
                        .hasMessageStartingWith("https://127.0.0.1:" + server.port() + "/app.db: the primary's"
                                + " certificate is not trusted")
                        .hasMessageContaining("upstream.ca")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            }
        }
        assertThat(Files.exists(dir.resolve("f.db-litestream").resolve("position"))).isFalse();
    }

    @Test
    void aClientThatNeverStartsTheHandshakeIsClosedAtTheHeaderTimeout() throws Exception {
        serve(null, new ConnectionLimits(16, Duration.ofMillis(300), Duration.ofSeconds(30)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            // well before Netty's own 10 s handshake timeout, which would close it too
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aFollowerThatStopsReadingCostsABoundedQueueAndIsCutOff() throws Exception {
        int payload = StreamServerOptions.MIN_PAYLOAD_BYTES;
        int queue = 256 * 1024;
        start(StreamServerOptions.defaults().withTls(new ServerTls(pki.serverCertPem(), pki.serverKeyPem(), null))
                .withLimits(payload, queue).withCompression(false).withTimers(Duration.ofMillis(100), Duration.ofSeconds(2)));
        for (int i = 0; i < 8; i++) {
            commit(2000);
        }
        SSLContext trust = ClientTls.context(pki.caPem(), null, null);
        try (SSLSocket stalled = (SSLSocket) trust.getSocketFactory().createSocket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", server.port()));
            stalled.getOutputStream().write("GET /stream/app.db HTTP/1.1\r\nHost: test\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            // never read: TLS records pile up in the socket buffers, then in the server's queue for this follower
            await().until(() -> server.sessions().size() == 1 && server.sessions().get(0).queuedBytes() >= queue);
            FollowerSession slow = server.sessions().get(0);
            await().until(() -> server.metrics().stalledDisconnects() == 1);
            assertThat(slow.peakQueuedBytes()).isGreaterThanOrEqualTo(queue).isLessThanOrEqualTo(queue + payload + 8192);
            await().until(() -> server.sessions().isEmpty());
        }
    }

    @Test
    void aReloadServesTheRenewedCertificateToNewConnectionsAndABrokenOneChangesNothing() throws Exception {
        Path cert = dir.resolve("primary.pem");
        Path key = dir.resolve("primary.key");
        Files.copy(pki.serverCertPem(), cert);
        Files.copy(pki.serverKeyPem(), key, StandardCopyOption.COPY_ATTRIBUTES);
        start(StreamServerOptions.defaults().withTls(new ServerTls(cert, key, null)));
        assertThat(healthz()).isEqualTo(200);

        // "renewed" with the device's certificate, which does not name 127.0.0.1: new connections refuse it
        Files.copy(pki.deviceCertPem(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pki.deviceKeyPem(), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        server.reloadTls();
        assertThatThrownBy(this::healthz).isInstanceOf(SSLHandshakeException.class);

        Files.writeString(cert, "not a certificate");
        assertThatThrownBy(server::reloadTls).hasMessageContaining(cert.toString());
        assertThatThrownBy(this::healthz).isInstanceOf(SSLHandshakeException.class);

        Files.copy(pki.serverCertPem(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pki.serverKeyPem(), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        server.reloadTls();
        assertThat(healthz()).isEqualTo(200);
    }

    /** {@code GET /healthz} on a new connection that trusts the test CA. */
    private int healthz() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ClientTls.context(pki.caPem(), null, null)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/healthz")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aServerKeyOthersCanReadIsRefused() throws Exception {
        Path key = dir.resolve("server.key");
        Files.copy(pki.serverKeyPem(), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> StreamServer.start(Map.of("app.db", db)::get, StreamServerOptions.defaults()
                .withTls(new ServerTls(pki.serverCertPem(), key, null))))
                .hasMessageContaining(key.toString()).hasMessageContaining("chmod 600 " + key);
    }

    private static void exec(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String query(Path file, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

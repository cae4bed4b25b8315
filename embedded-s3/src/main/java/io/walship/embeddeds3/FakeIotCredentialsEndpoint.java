package io.walship.embeddeds3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Stands in for the AWS IoT credential provider: {@code GET /role-aliases/ALIAS/credentials} over HTTPS that
 * requires a client certificate signed by the {@link TestPki} CA, answering with the credentials currently set
 * (or a set error status), in the service's JSON shape.
 */
public final class FakeIotCredentialsEndpoint implements AutoCloseable {
    private final HttpsServer server;
    private final String roleAlias;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String accessKeyId;
    private volatile String secretAccessKey;
    private volatile Instant expiration;
    private volatile int failWithStatus;
    private volatile String lastThingName;
    private volatile String lastClientSubject;

    private FakeIotCredentialsEndpoint(HttpsServer server, String roleAlias) {
        this.server = server;
        this.roleAlias = roleAlias;
    }

    public static FakeIotCredentialsEndpoint start(TestPki pki, String roleAlias) throws Exception {
        SSLContext ctx = pki.serverContext();
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        FakeIotCredentialsEndpoint fake = new FakeIotCredentialsEndpoint(server, roleAlias);
        server.createContext("/", fake::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fake-iot");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return fake;
    }

    /** {@code 127.0.0.1:PORT}, as the {@code iot.endpoint} config key takes it. */
    public String endpoint() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Hands out these credentials from now on (and stops failing). */
    public void setCredentials(String accessKeyId, String secretAccessKey, Instant expiration) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.expiration = expiration;
        this.failWithStatus = 0;
    }

    /** Answers every request with this status and an IoT-style error body until credentials are set again. */
    public void failWith(int status) {
        this.failWithStatus = status;
    }

    public int requests() {
        return requests.get();
    }

    public String lastThingName() {
        return lastThingName;
    }

    /** Subject of the client certificate presented with the last request. */
    public String lastClientSubject() {
        return lastClientSubject;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        lastThingName = exchange.getRequestHeaders().getFirst("x-amzn-iot-thingname");
        try {
            lastClientSubject = ((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
        } catch (SSLPeerUnverifiedException e) {
            lastClientSubject = null;
        }
        String expected = "/role-aliases/" + roleAlias + "/credentials";
        if (!exchange.getRequestURI().getPath().equals(expected)) {
            respond(exchange, 404, "{\"message\":\"Role alias does not exist\"}");
        } else if (failWithStatus != 0) {
            respond(exchange, failWithStatus, "{\"message\":\"Access Denied\"}");
        } else {
            respond(exchange, 200, "{\"credentials\":{\"accessKeyId\":\"" + accessKeyId + "\",\"secretAccessKey\":\""
                    + secretAccessKey + "\",\"sessionToken\":\"session-" + accessKeyId + "\",\"expiration\":\""
                    + expiration + "\"}}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

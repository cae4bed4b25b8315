package io.walship.it;

import io.walship.protocol.Pos;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** The primary's HTTP endpoints as an application sees them: {@code GET /pos/NAME} for read-your-writes. */
final class PrimaryHttp {
    private final HttpClient http;
    private final String base;
    private final String name;
    private final String token;

    PrimaryHttp(String host, int port, String name) {
        this("http://" + host + ":" + port, name, null, null);
    }

    /** A primary at {@code base} ({@code https://HOST:PORT}) reached with this TLS context (or the JDK's) and token. */
    PrimaryHttp(String base, String name, SSLContext tls, String token) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2));
        this.http = (tls == null ? b : b.sslContext(tls)).build();
        this.base = base;
        this.name = name;
        this.token = token;
    }

    /** {@code http://HOST:PORT/NAME}, what {@code walship follow} takes. */
    String followUrl() {
        return base + "/" + name;
    }

    /** The primary's position, or empty while it does not answer (e.g. it is being restarted). */
    Optional<Pos> pos() {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/pos/" + name))
                    .timeout(Duration.ofSeconds(5)).GET();
            if (token != null) {
                req.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET /pos/" + name + " answered " + r.statusCode() + ": " + r.body());
            }
            return Optional.of(Pos.parse(r.body().strip()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

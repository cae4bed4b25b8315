package io.walship.it;

import io.walship.protocol.Pos;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The primary's HTTP endpoints as an application sees them: {@code GET /pos/NAME} for read-your-writes. */
final class PrimaryHttp {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String name;

    PrimaryHttp(String host, int port, String name) {
        this.base = "http://" + host + ":" + port;
        this.name = name;
    }

    /** {@code http://HOST:PORT/NAME}, what {@code walship follow} takes. */
    String followUrl() {
        return base + "/" + name;
    }

    /** The primary's position, or empty while it does not answer (e.g. it is being restarted). */
    Optional<Pos> pos() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/pos/" + name))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
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

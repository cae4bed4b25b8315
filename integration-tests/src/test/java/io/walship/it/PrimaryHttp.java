package io.walship.it;

import io.walship.protocol.Pos;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
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

    /**
     * The position up to which the primary reports its (single) replica holds everything: Litestream's
     * {@code litestream_replica_wal_index}/{@code _offset} in the generation {@code /pos} names before and after
     * the scrape. Empty before the first sync, while the primary does not answer or when its generation changed.
     */
    Optional<Pos> archived() {
        Optional<Pos> before = pos();
        if (before.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Double> samples;
        try {
            samples = MetricsScrape.scrape(URI.create(base + "/metrics"));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        Optional<Double> index = sample(samples, "litestream_replica_wal_index{");
        Optional<Double> offset = sample(samples, "litestream_replica_wal_offset{");
        Optional<Pos> after = pos();
        if (index.isEmpty() || offset.isEmpty() || !after.map(Pos::generation).equals(before.map(Pos::generation))) {
            return Optional.empty();
        }
        return Optional.of(new Pos(before.get().generation(), index.get().longValue(), offset.get().longValue()));
    }

    private static Optional<Double> sample(Map<String, Double> samples, String prefix) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).findFirst();
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

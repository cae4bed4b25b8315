package io.walship.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/** A {@code /metrics} or {@code /healthz} endpoint as Prometheus or a health probe sees it. */
final class MetricsScrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private MetricsScrape() {
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The page's samples: series (name with labels, as printed) → value; fails unless the answer is 200. */
    static Map<String, Double> scrape(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = get(uri);
        if (r.statusCode() != 200) {
            throw new AssertionError(uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body());
    }

    /** Scrapes until {@code ready} holds; on timeout fails with the last samples and {@code context}'s text. */
    static Map<String, Double> await(URI uri, Predicate<Map<String, Double>> ready, Duration timeout,
                                     RunningProcess context) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Double> samples = scrape(uri);
            if (ready.test(samples)) {
                return samples;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(uri + " never got there: " + samples + "\n" + context.describe());
            }
            Thread.sleep(200);
        }
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : text.lines().toList()) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int sp = line.lastIndexOf(' ');
                out.put(line.substring(0, sp), value(line.substring(sp + 1)));
            }
        }
        return out;
    }

    /** Metric names, without labels. */
    static Set<String> names(Map<String, Double> samples) {
        Set<String> names = new TreeSet<>();
        samples.keySet().forEach(k -> names.add(k.contains("{") ? k.substring(0, k.indexOf('{')) : k));
        return names;
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}

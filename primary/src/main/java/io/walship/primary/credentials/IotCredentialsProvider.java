package io.walship.primary.credentials;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * Temporary credentials from the AWS IoT credential provider, fetched over mutual TLS with the device certificate.
 * Resolved on the caller's thread (an upload every second or so), without a thread of its own:
 * <ul>
 * <li>cached until {@link #refreshAhead refresh-ahead} of their expiry, then refreshed on the next call while the
 *     cached ones still serve if the refresh fails;</li>
 * <li>never handed out within {@link #EXPIRY_MARGIN} of expiry (clock skew, a long upload);</li>
 * <li>after a failure no new attempt before a doubling backoff (1 s … 5 min), so an outage of the endpoint is not
 *     hammered by every upload; calls in between fail fast with the last error.</li>
 * </ul>
 */
public final class IotCredentialsProvider implements AwsCredentialsProvider {
    private static final Logger log = LoggerFactory.getLogger(IotCredentialsProvider.class);
    static final Duration EXPIRY_MARGIN = Duration.ofSeconds(30);
    static final Duration MAX_REFRESH_AHEAD = Duration.ofMinutes(5);
    static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final IotSettings settings;
    private final Clock clock;
    private final URI uri;
    private final HttpClient http;

    private AwsSessionCredentials cached;
    private Instant refreshAt = Instant.MIN;
    private int failures;
    private Instant nextAttempt = Instant.MIN;
    private String lastError;

    public IotCredentialsProvider(IotSettings settings) throws IOException {
        this(settings, Clock.systemUTC());
    }

    IotCredentialsProvider(IotSettings settings, Clock clock) throws IOException {
        this.settings = settings;
        this.clock = clock;
        this.uri = uri(settings);
        this.http = DeviceHttpClients.forDevice(settings, CONNECT_TIMEOUT);
    }

    static URI uri(IotSettings s) {
        String base = s.endpoint().contains("://") ? s.endpoint() : "https://" + s.endpoint();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/role-aliases/" + URLEncoder.encode(s.roleAlias(), StandardCharsets.UTF_8)
                + "/credentials");
    }

    @Override
    public synchronized AwsCredentials resolveCredentials() {
        Instant now = clock.instant();
        boolean usable = cached != null && now.isBefore(cached.expirationTime().orElseThrow().minus(EXPIRY_MARGIN));
        if (usable && now.isBefore(refreshAt)) {
            return cached;
        }
        if (now.isBefore(nextAttempt)) {
            if (usable) {
                return cached;
            }
            throw unavailable(now, null);
        }
        try {
            AwsSessionCredentials fresh = fetch();
            Instant expiry = fresh.expirationTime().orElseThrow();
            cached = fresh;
            refreshAt = expiry.minus(refreshAhead(now, expiry));
            if (failures > 0) {
                log.info("AWS IoT credentials obtained again from {} after {} failed attempts", uri, failures);
            }
            failures = 0;
            nextAttempt = Instant.MIN;
            lastError = null;
            return cached;
        } catch (IOException | RuntimeException e) {
            failures++;
            lastError = e.getMessage();
            nextAttempt = now.plus(backoff(failures));
            if (usable) {
                log.warn("cannot refresh AWS IoT credentials from {}: {}; the current ones stay valid until {}, next attempt at {}",
                        uri, lastError, cached.expirationTime().orElseThrow(), nextAttempt);
                return cached;
            }
            throw unavailable(now, e);
        }
    }

    /** The cached credentials were rejected: fetch new ones at the next call (still subject to the backoff). */
    public synchronized void invalidate() {
        refreshAt = Instant.MIN;
    }

    /** When the cached credentials expire, or null before the first success. */
    public synchronized Instant expiration() {
        return cached == null ? null : cached.expirationTime().orElse(null);
    }

    /** Refresh a quarter of the lifetime ahead, at most five minutes: 15-minute credentials at 11:15, 12-hour ones at 11:55. */
    static Duration refreshAhead(Instant now, Instant expiry) {
        Duration quarter = Duration.between(now, expiry).dividedBy(4);
        return quarter.compareTo(MAX_REFRESH_AHEAD) > 0 ? MAX_REFRESH_AHEAD : quarter.isNegative() ? Duration.ZERO : quarter;
    }

    static Duration backoff(int failures) {
        Duration d = MIN_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private CredentialsUnavailableException unavailable(Instant now, Throwable cause) {
        long wait = Math.max(0, Duration.between(now, nextAttempt).toSeconds());
        return new CredentialsUnavailableException("cannot obtain credentials from the AWS IoT credential provider "
                + uri + ": " + lastError + " (" + failures + (failures == 1 ? " failure" : " consecutive failures")
                + ", next attempt in " + wait + " s)", cause);
    }

    private AwsSessionCredentials fetch() throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET();
        if (settings.thingName() != null && !settings.thingName().isEmpty()) {
            request.header("x-amzn-iot-thingname", settings.thingName());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw new IOException(describe(e), e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + serviceMessage(response.body()));
        }
        try {
            JsonNode c = JsonNodeParser.create().parse(response.body()).field("credentials")
                    .orElseThrow(() -> new IOException("response has no \"credentials\" object"));
            return AwsSessionCredentials.builder()
                    .accessKeyId(text(c, "accessKeyId"))
                    .secretAccessKey(text(c, "secretAccessKey"))
                    .sessionToken(text(c, "sessionToken"))
                    .expirationTime(Instant.parse(text(c, "expiration")))
                    .providerName("walship-iot")
                    .build();
        } catch (DateTimeParseException | UnsupportedOperationException e) {
            throw new IOException("malformed credentials response: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // The SDK's JSON parser throws unchecked exceptions on malformed input.
            throw new IOException("malformed credentials response: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode object, String field) throws IOException {
        JsonNode v = object.field(field).orElse(null);
        if (v == null || !v.isString() || v.asString().isEmpty()) {
            throw new IOException("malformed credentials response: missing credentials." + field);
        }
        return v.asString();
    }

    /** IoT puts its reason in {"message": "..."}; keep it short and on one line. */
    private static String serviceMessage(String body) {
        try {
            String m = JsonNodeParser.create().parse(body).field("message").map(JsonNode::asString).orElse("");
            return m.isEmpty() ? "" : ": " + m.lines().findFirst().orElse("");
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String describe(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS handshake failed: " + t.getMessage()
                        + " (check iot.ca for the endpoint's CA and iot.cert/iot.key for the device certificate)";
            }
            if (t instanceof java.net.ConnectException) {
                return "connection refused";
            }
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}

package io.walship.follower;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a follower runs.
 *
 * @param upstream         the primary's database, {@code http://HOST:PORT/NAME} or {@code https://}
 * @param dbPath           the local read-only copy
 * @param token            bearer token for the primary, or null
 * @param heartbeatTimeout silence after which the connection counts as dead (the primary heartbeats every second)
 * @param maxBackoff       longest wait between reconnects
 * @param tls              trust and client certificate for an {@code https://} upstream
 */
public record FollowerOptions(UpstreamUrl upstream, Path dbPath, String token, Duration heartbeatTimeout,
                              Duration maxBackoff, UpstreamTls tls) {
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    public static FollowerOptions of(UpstreamUrl upstream, Path dbPath) {
        return new FollowerOptions(upstream, dbPath.toAbsolutePath().normalize(), null, Duration.ofSeconds(5),
                DEFAULT_MAX_BACKOFF, UpstreamTls.defaults());
    }

    /** Everything but the token's value, so that logging the options never logs the secret. */
    @Override
    public String toString() {
        return "FollowerOptions[upstream=" + upstream + ", dbPath=" + dbPath + ", token="
                + (token == null ? "none" : "REDACTED") + ", heartbeatTimeout=" + heartbeatTimeout + ", maxBackoff="
                + maxBackoff + ", tls=" + tls + "]";
    }

    public FollowerOptions withToken(String t) {
        return new FollowerOptions(upstream, dbPath, t, heartbeatTimeout, maxBackoff, tls);
    }

    public FollowerOptions withHeartbeatTimeout(Duration d) {
        return new FollowerOptions(upstream, dbPath, token, d, maxBackoff, tls);
    }

    public FollowerOptions withMaxBackoff(Duration d) {
        return new FollowerOptions(upstream, dbPath, token, heartbeatTimeout, d, tls);
    }

    public FollowerOptions withTls(UpstreamTls t) {
        return new FollowerOptions(upstream, dbPath, token, heartbeatTimeout, maxBackoff, t);
    }
}

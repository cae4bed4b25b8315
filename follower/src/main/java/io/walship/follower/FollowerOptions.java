package io.walship.follower;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a follower runs.
 *
 * @param upstream         the primary's database, {@code http://HOST:PORT/NAME}
 * @param dbPath           the local read-only copy
 * @param token            bearer token for the primary, or null
 * @param heartbeatTimeout silence after which the connection counts as dead (the primary heartbeats every second)
 * @param maxBackoff       longest wait between reconnects
 */
public record FollowerOptions(UpstreamUrl upstream, Path dbPath, String token, Duration heartbeatTimeout,
                              Duration maxBackoff) {

    public static FollowerOptions of(UpstreamUrl upstream, Path dbPath) {
        return new FollowerOptions(upstream, dbPath.toAbsolutePath().normalize(), null, Duration.ofSeconds(5),
                Duration.ofSeconds(10));
    }

    public FollowerOptions withToken(String t) {
        return new FollowerOptions(upstream, dbPath, t, heartbeatTimeout, maxBackoff);
    }

    public FollowerOptions withHeartbeatTimeout(Duration d) {
        return new FollowerOptions(upstream, dbPath, token, d, maxBackoff);
    }

    public FollowerOptions withMaxBackoff(Duration d) {
        return new FollowerOptions(upstream, dbPath, token, heartbeatTimeout, d);
    }
}

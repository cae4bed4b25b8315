package io.walship.primary.stream;

import java.time.Duration;

/**
 * What one client may take of the stream server, so that neither many connections nor slow ones exhaust it.
 *
 * @param maxConnections connections served at once; more are answered 503 and closed
 * @param headerTimeout  a new connection must have sent its request headers within this (slow-loris)
 * @param idleTimeout    a kept-alive connection must send its next request within this; streams are exempt (their
 *                       stall timeout applies)
 */
public record ConnectionLimits(int maxConnections, Duration headerTimeout, Duration idleTimeout) {

    /** Largest request line, and largest header block, in bytes; beyond them 414 and 431. */
    static final int MAX_REQUEST_HEAD_BYTES = 8192;

    public ConnectionLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max-connections must be positive");
        }
        if (headerTimeout.isNegative() || headerTimeout.isZero() || idleTimeout.isNegative()
                || idleTimeout.isZero()) {
            throw new IllegalArgumentException("header and idle timeouts must be positive");
        }
    }

    /** 256 connections, 10 s for request headers, 60 s idle. */
    public static ConnectionLimits defaults() {
        return new ConnectionLimits(256, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }
}

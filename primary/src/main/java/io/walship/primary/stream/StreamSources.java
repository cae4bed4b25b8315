package io.walship.primary.stream;

import io.walship.primary.metrics.MetricsSource;

/**
 * The databases a stream server serves, by the logical name followers use in {@code /stream/NAME}, and their
 * metrics on the server's {@code /metrics}.
 */
@FunctionalInterface
public interface StreamSources extends MetricsSource {

    /**
     * The database currently captured under {@code name}, or null. Called on Netty's event loop for every request,
     * so it must not block; it may return a different instance later (a replaced database is captured anew).
     */
    StreamedDatabase find(String name);
}

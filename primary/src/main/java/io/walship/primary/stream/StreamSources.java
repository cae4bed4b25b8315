package io.walship.primary.stream;

import io.walship.primary.capture.CapturedDatabase;

/** The databases a stream server serves, by the logical name followers use in {@code /stream/NAME}. */
@FunctionalInterface
public interface StreamSources {

    /**
     * The database currently captured under {@code name}, or null. Called on Netty's event loop for every request,
     * so it must not block; it may return a different instance later (a replaced database is captured anew).
     */
    CapturedDatabase find(String name);

    /** Appends the sources' own metrics (Prometheus text format) to {@code /metrics}. */
    default void renderMetrics(StringBuilder out) {
    }
}

package io.walship.primary.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * A part of a {@code /metrics} page: Micrometer meters registered once, series written by hand (Litestream's exact
 * names, which Micrometer cannot produce), and gauges whose labelled series come and go with what they describe.
 */
public interface MetricsSource extends MeterBinder {

    /** Registers the source's fixed meters; called once, when the source joins a page. */
    @Override
    default void bindTo(MeterRegistry registry) {
    }

    /** Brings series that come and go (one per follower, per replica) up to date; called before every scrape. */
    default void refresh() {
    }

    /** Appends series in Prometheus text format that are written by hand; called at every scrape. */
    default void render(StringBuilder out) {
    }
}

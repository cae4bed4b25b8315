package io.walship.primary.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A gauge whose labelled series are recomputed before each scrape, for things that come and go (followers,
 * replicas): a series appears with its thing and is removed from the registry when it is gone, so the number of
 * series stays bounded by what exists now.
 */
public final class GaugeFamily {
    private final MeterRegistry registry;
    private final String name;
    private final String help;
    private final Map<Tags, Series> series = new HashMap<>();

    public GaugeFamily(MeterRegistry registry, String name, String help) {
        this.registry = registry;
        this.name = name;
        this.help = help;
    }

    /** Makes {@code values} the family's series: sets the present ones, adds new ones, removes the others. */
    public synchronized void publish(Map<Tags, Double> values) {
        for (Iterator<Map.Entry<Tags, Series>> it = series.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Tags, Series> e = it.next();
            if (!values.containsKey(e.getKey())) {
                registry.remove(e.getValue().gauge);
                it.remove();
            }
        }
        values.forEach((tags, value) -> series.computeIfAbsent(tags, this::register).value = value);
    }

    private Series register(Tags tags) {
        Series s = new Series();
        s.gauge = Gauge.builder(name, s, x -> x.value).tags(tags).description(help).strongReference(true)
                .register(registry);
        return s;
    }

    private static final class Series {
        volatile double value;
        Gauge gauge;
    }
}

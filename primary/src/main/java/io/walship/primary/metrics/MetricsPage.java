package io.walship.primary.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One {@code /metrics} answer: the hand-written series of its sources first, then a Micrometer Prometheus registry
 * holding walship's own meters and the JVM and process basics (memory, threads, GC, CPU, uptime, open files).
 */
public final class MetricsPage implements AutoCloseable {
    /** Content type of the Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();

    public MetricsPage() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Where walship's own meters go. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Adds a source: its meters are registered now, its other series appear from the next scrape on. */
    public MetricsPage add(MetricsSource source) {
        source.bindTo(registry);
        sources.add(source);
        return this;
    }

    /** The page in Prometheus text format. Serialised: refreshing sources is not meant to run twice at once. */
    public synchronized String scrape() {
        StringBuilder out = new StringBuilder();
        for (MetricsSource s : sources) {
            s.render(out);
        }
        for (MetricsSource s : sources) {
            s.refresh();
        }
        out.append(registry.scrape());
        return out.toString();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}

package io.walship.primary.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.walship.follower.FollowerListener;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Watches one follower (set it with {@code StreamFollower.listen}): its meters, labelled with the local database's
 * path, and its health. The meters leave the registry on {@link #close()}.
 */
public final class FollowerMonitor implements FollowerListener, AutoCloseable {
    /** How long the primary may stay unreachable before {@code /healthz} says so. */
    public static final Duration UNREACHABLE_LIMIT = Duration.ofSeconds(30);

    private static final Duration[] APPLY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final FollowerLag lag;
    private final FollowerHealth health;
    private final Timer apply;
    private final Counter appliedBytes;
    private final Counter snapshots;
    private final Counter reconnects;
    private final Counter localWrites;
    private volatile boolean connected;

    /** @param visible what readers of {@code db} see at the start, null before the first snapshot */
    public FollowerMonitor(MeterRegistry registry, Path db, Pos visible) {
        this.registry = registry;
        this.lag = new FollowerLag(visible);
        this.health = new FollowerHealth(UNREACHABLE_LIMIT, visible != null, System.nanoTime());
        Tags tags = Tags.of("db", db.toAbsolutePath().toString());
        gauge("walship_follower_position_index", "WAL index of the position readers see.", tags,
                m -> m.appliedPart(true));
        gauge("walship_follower_position_offset", "WAL offset of the position readers see.", tags,
                m -> m.appliedPart(false));
        gauge("walship_follower_lag_bytes", "WAL bytes from the applied position to the primary's latest known one"
                + " (only the primary's offset when it is in a later WAL index).", tags, m -> m.lag.bytes());
        gauge("walship_follower_lag_seconds", "Age of the oldest primary position heard of but not yet applied.", tags,
                m -> m.lag.seconds(System.nanoTime()));
        gauge("walship_follower_connected", "1 while streaming from the primary, else 0.", tags,
                m -> m.connected ? 1 : 0);
        apply = keep(Timer.builder("walship_follower_apply").description("Time to apply one batch of WAL (count: batches).")
                .tags(tags).serviceLevelObjectives(APPLY_BUCKETS).register(registry));
        appliedBytes = counter("walship_follower_applied_bytes", "WAL bytes applied.", tags);
        snapshots = counter("walship_follower_snapshots", "Snapshots received and staged.", tags);
        reconnects = counter("walship_follower_reconnects", "Streams that ended or could not be opened.", tags);
        localWrites = counter("walship_follower_local_write_resyncs",
                "Re-syncs from a snapshot because a local write was detected.", tags);
    }

    /** Null while the follower applies normally, else why not, in one line. */
    public String problem() {
        return health.problem(System.nanoTime());
    }

    /** True while the follower is in touch with its upstream (a session is running). */
    public boolean connected() {
        return connected;
    }

    /** The follower stopped for good (e.g. verification failed, wrong token). */
    public void failed(String reason) {
        health.failed(reason);
        connected = false;
    }

    @Override
    public void connected(Pos primary) {
        connected = true;
        health.connected();
        lag.heard(primary, System.nanoTime());
    }

    @Override
    public void heartbeat(Pos primary) {
        lag.heard(primary, System.nanoTime());
    }

    @Override
    public void received(Pos end) {
        lag.heard(end, System.nanoTime());
    }

    @Override
    public void snapshotStaged(Pos pos, long nanos) {
        snapshots.increment();
    }

    @Override
    public void walApplied(Pos end, long bytes, long nanos) {
        lag.applied(end);
        health.applied();
        apply.record(nanos, TimeUnit.NANOSECONDS);
        appliedBytes.increment(bytes);
    }

    @Override
    public void disconnected(String reason) {
        connected = false;
        health.disconnected(reason, System.nanoTime());
        reconnects.increment();
    }

    @Override
    public void localWriteDetected() {
        localWrites.increment();
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }

    private double appliedPart(boolean index) {
        Pos p = lag.applied();
        return p == null ? Double.NaN : index ? p.index() : p.offset();
    }

    private void gauge(String name, String help, Tags tags, ToDoubleFunction<FollowerMonitor> value) {
        keep(Gauge.builder(name, this, value).description(help).tags(tags).strongReference(true).register(registry));
    }

    private Counter counter(String name, String help, Tags tags) {
        return keep(Counter.builder(name).description(help).tags(tags).register(registry));
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }
}

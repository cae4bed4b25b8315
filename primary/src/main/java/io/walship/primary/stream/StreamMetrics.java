package io.walship.primary.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.walship.primary.metrics.GaugeFamily;
import io.walship.primary.metrics.MetricsSource;
import io.walship.protocol.Pos;
import io.walship.protocol.stream.proto.SnapshotReason;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The stream server's meters: followers connected, what was sent, snapshots by reason, stalled followers; and per
 * connected follower (labels {@code db}, {@code follower} = its address) the position streamed to it and how far
 * that is behind the primary. A follower's series go away when it disconnects.
 */
public final class StreamMetrics implements MetricsSource {
    private final AtomicInteger followers = new AtomicInteger();
    private final Counter bytesSent;
    private final Counter records;
    private final Counter stalled;
    private final Map<SnapshotReason, Counter> snapshots = new EnumMap<>(SnapshotReason.class);
    private final Supplier<Collection<FollowerSession>> sessions;
    private final GaugeFamily positionIndex;
    private final GaugeFamily positionOffset;
    private final GaugeFamily lagBytes;
    private final GaugeFamily lagSeconds;
    private final GaugeFamily queuedBytes;

    StreamMetrics(MeterRegistry registry, Supplier<Collection<FollowerSession>> sessions) {
        this.sessions = sessions;
        Gauge.builder("walship_stream_followers", followers, AtomicInteger::get)
                .description("Followers connected to the stream server.").register(registry);
        bytesSent = Counter.builder("walship_stream_sent_bytes").description("Record bytes handed to follower sockets.")
                .register(registry);
        records = Counter.builder("walship_stream_sent_records").description("Records handed to follower sockets.")
                .register(registry);
        stalled = Counter.builder("walship_stream_stalled_disconnects")
                .description("Followers disconnected because their queue made no progress.").register(registry);
        for (SnapshotReason r : SnapshotReason.values()) {
            if (r != SnapshotReason.UNRECOGNIZED && r != SnapshotReason.SNAPSHOT_REASON_UNSPECIFIED) {
                String label = r.name().substring("SNAPSHOT_REASON_".length()).toLowerCase(Locale.ROOT);
                snapshots.put(r, Counter.builder("walship_stream_snapshots").tag("reason", label)
                        .description("Snapshots streamed to followers, by reason.").register(registry));
            }
        }
        positionIndex = new GaugeFamily(registry, "walship_stream_follower_position_index",
                "WAL index of the position streamed to the follower.");
        positionOffset = new GaugeFamily(registry, "walship_stream_follower_position_offset",
                "WAL offset of the position streamed to the follower.");
        lagBytes = new GaugeFamily(registry, "walship_stream_follower_lag_bytes",
                "WAL bytes the primary has captured but not yet streamed to the follower.");
        lagSeconds = new GaugeFamily(registry, "walship_stream_follower_lag_seconds",
                "Time since the follower last had everything the primary had captured (0 while it has).");
        queuedBytes = new GaugeFamily(registry, "walship_stream_follower_queued_bytes",
                "Record bytes written for the follower but not yet taken by its socket.");
    }

    void followerConnected() {
        followers.incrementAndGet();
    }

    void followerGone() {
        followers.decrementAndGet();
    }

    void sent(int bytes) {
        bytesSent.increment(bytes);
        records.increment();
    }

    void snapshot(SnapshotReason reason) {
        snapshots.get(reason).increment();
    }

    void stalledDisconnect() {
        stalled.increment();
    }

    public int followers() {
        return followers.get();
    }

    public long snapshots(SnapshotReason reason) {
        return (long) snapshots.get(reason).count();
    }

    public long stalledDisconnects() {
        return (long) stalled.count();
    }

    @Override
    public void refresh() {
        Map<Tags, Double> index = new HashMap<>();
        Map<Tags, Double> offset = new HashMap<>();
        Map<Tags, Double> behind = new HashMap<>();
        Map<Tags, Double> seconds = new HashMap<>();
        Map<Tags, Double> queued = new HashMap<>();
        long now = System.nanoTime();
        for (FollowerSession s : sessions.get()) {
            if (!s.streaming()) {
                continue;
            }
            Tags tags = Tags.of("db", s.databasePath().toString(), "follower", s.remoteAddress());
            Pos sent = s.streamedPosition();
            if (sent != null) {
                index.put(tags, (double) sent.index());
                offset.put(tags, (double) sent.offset());
            }
            long bytes = s.bytesBehind();
            if (bytes >= 0) {
                behind.put(tags, (double) bytes);
            }
            seconds.put(tags, s.secondsBehind(now));
            queued.put(tags, (double) s.queuedBytes());
        }
        positionIndex.publish(index);
        positionOffset.publish(offset);
        lagBytes.publish(behind);
        lagSeconds.publish(seconds);
        queuedBytes.publish(queued);
    }
}

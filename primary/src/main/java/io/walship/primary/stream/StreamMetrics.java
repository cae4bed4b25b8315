package io.walship.primary.stream;

import io.walship.protocol.stream.proto.SnapshotReason;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the stream server, rendered in Prometheus text format on {@code /metrics}. */
public final class StreamMetrics {
    private final AtomicInteger followers = new AtomicInteger();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder records = new LongAdder();
    private final LongAdder stalled = new LongAdder();
    private final Map<SnapshotReason, LongAdder> snapshots = new EnumMap<>(SnapshotReason.class);

    StreamMetrics() {
        for (SnapshotReason r : SnapshotReason.values()) {
            if (r != SnapshotReason.UNRECOGNIZED && r != SnapshotReason.SNAPSHOT_REASON_UNSPECIFIED) {
                snapshots.put(r, new LongAdder());
            }
        }
    }

    void followerConnected() {
        followers.incrementAndGet();
    }

    void followerGone() {
        followers.decrementAndGet();
    }

    void sent(int bytes) {
        bytesSent.add(bytes);
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
        return snapshots.get(reason).sum();
    }

    public long stalledDisconnects() {
        return stalled.sum();
    }

    void render(StringBuilder out) {
        gauge(out, "walship_stream_followers", "Followers connected to the stream server.", followers.get());
        counter(out, "walship_stream_sent_bytes_total", "Record bytes handed to follower sockets.", bytesSent.sum());
        counter(out, "walship_stream_sent_records_total", "Records handed to follower sockets.", records.sum());
        counter(out, "walship_stream_stalled_disconnects_total",
                "Followers disconnected because their queue made no progress.", stalled.sum());
        out.append("# HELP walship_stream_snapshots_total Snapshots streamed to followers, by reason.\n")
                .append("# TYPE walship_stream_snapshots_total counter\n");
        for (Map.Entry<SnapshotReason, LongAdder> e : snapshots.entrySet()) {
            String label = e.getKey().name().substring("SNAPSHOT_REASON_".length()).toLowerCase(Locale.ROOT);
            out.append("walship_stream_snapshots_total{reason=\"").append(label).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        }
    }

    private static void gauge(StringBuilder out, String name, String help, long v) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(v).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long v) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v).append('\n');
    }
}

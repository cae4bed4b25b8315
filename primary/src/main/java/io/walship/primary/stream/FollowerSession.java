package io.walship.primary.stream;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.walship.protocol.Pos;
import io.walship.protocol.stream.StreamFormatException;
import io.walship.protocol.stream.StreamPositions;
import io.walship.protocol.stream.StreamRecordEncoder;
import io.walship.protocol.stream.StreamRecords;
import io.walship.protocol.stream.proto.EndCode;
import io.walship.protocol.stream.proto.StreamRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One follower's connection: pumps records from its {@link RecordProducer} into the channel while the channel
 * takes them, and sends heartbeats when idle.
 *
 * <p>Threads: the pump runs on the stream I/O executor, at most one run at a time per session ({@link #wake()} is
 * the only way to start it: capture listener, writability change, queue drain, heartbeat tick). It stops as soon as
 * this follower has {@code maxQueuedBytes} in flight, so a follower that stops reading costs at most that plus one
 * record, and never holds up anyone else. Heartbeats are queued on the event loop behind the records already
 * written, so they never overtake the hello or follow the end record.
 */
final class FollowerSession {
    private static final Logger log = LoggerFactory.getLogger(FollowerSession.class);
    /** Records per pump run before yielding the thread to other followers (the run is requeued). */
    private static final int RECORDS_PER_RUN = 32;

    private final Channel channel;
    private final String name;
    private final Pos requested;
    private final RecordProducer producer;
    private final StreamServerOptions options;
    private final Executor io;
    private final StreamMetrics metrics;
    private final Consumer<FollowerSession> onRelease;

    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong peakQueuedBytes = new AtomicLong();
    private volatile boolean dirty;
    private volatile boolean waitingForDrain;
    private volatile boolean shutdownRequested;
    private volatile boolean streaming;
    private volatile boolean recordsQueued;
    private volatile boolean finished;
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile long lastProgressNanos = System.nanoTime();
    /** The end of the last WAL the socket took (or the resume position), null until known. */
    private volatile Pos streamed;
    /** When {@link #streamed} was last seen equal to the primary's position. */
    private volatile long caughtUpNanos = System.nanoTime();
    private boolean begun;
    private volatile ScheduledFuture<?> ticker;

    FollowerSession(Channel channel, String name, Pos requested, RecordProducerFactory producers,
                    StreamServerOptions options, Executor io, StreamMetrics metrics,
                    Consumer<FollowerSession> onRelease) {
        this.channel = channel;
        this.name = name;
        this.requested = requested;
        this.options = options;
        this.io = io;
        this.metrics = metrics;
        this.onRelease = onRelease;
        this.producer = producers.create(this::wake);
    }

    /** Builds the producer once the session's wake-up callback exists. */
    @FunctionalInterface
    interface RecordProducerFactory {
        RecordProducer create(Runnable wake);
    }

    void start() {
        wake();
    }

    /** Asks the pump to run; cheap and safe from any thread (the capture thread calls it on every commit). */
    void wake() {
        dirty = true;
        if (scheduled.compareAndSet(false, true)) {
            try {
                io.execute(this::run);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
            }
        }
    }

    /** Called on the event loop when the channel's writability changes. */
    void writabilityChanged() {
        if (channel.isWritable()) {
            wake();
        }
    }

    /** Ends the stream with an end record (server shutdown); the pump sends it next. */
    void shutdown() {
        shutdownRequested = true;
        wake();
    }

    /** The connection is gone; the pump then lets go of what the stream held. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            wake();
        }
    }

    /** Record bytes written to the channel but not yet taken by the socket. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** The most {@link #queuedBytes()} ever was. */
    long peakQueuedBytes() {
        return peakQueuedBytes.get();
    }

    String database() {
        return name;
    }

    /** True from the stream's head until the connection is released. */
    boolean streaming() {
        return streaming;
    }

    Path databasePath() {
        return producer.databasePath();
    }

    /** The follower's address, {@code IP:PORT}. */
    String remoteAddress() {
        SocketAddress a = channel.remoteAddress();
        if (a instanceof InetSocketAddress in) {
            return (in.getAddress() != null ? in.getAddress().getHostAddress() : in.getHostString()) + ":" + in.getPort();
        }
        return String.valueOf(a);
    }

    /** Where the follower is as far as the primary knows: the end of the last WAL its socket took. */
    Pos streamedPosition() {
        return streamed;
    }

    /** WAL bytes captured but not yet streamed to this follower, or -1 when not measurable (snapshot pending). */
    long bytesBehind() {
        return producer.bytesBehind(streamed);
    }

    /** Seconds since this follower last had everything captured; 0 while it has. */
    double secondsBehind(long nowNanos) {
        if (caughtUp()) {
            caughtUpNanos = nowNanos;
            return 0;
        }
        return Math.max(0, nowNanos - caughtUpNanos) / 1e9;
    }

    private boolean caughtUp() {
        Pos s = streamed;
        return s != null && s.equals(producer.primaryPosition());
    }

    private void run() {
        dirty = false;
        try {
            if (!begun && !closed.get()) {
                begun = true;
                begin();
            }
            pump();
        } catch (RuntimeException e) {
            log.warn("{}: stream failed: {}", name, e.toString());
            channel.close();
        } finally {
            scheduled.set(false);
        }
        if (dirty) {
            wake();
        }
    }

    private void begin() {
        String rejection;
        try {
            rejection = producer.begin(requested);
        } catch (NotYetServableException e) {
            log.info("{}: follower at {} not served yet: {}", name, requested, e.getMessage());
            Responses.text(channel, HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage(), false);
            finished = true;
            return;
        } catch (IOException e) {
            log.warn("{}: cannot start a stream at {}: {}", name, requested, e.getMessage());
            Responses.text(channel, HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot start the stream: "
                    + e.getMessage(), false);
            finished = true;
            return;
        }
        if (rejection != null) {
            Responses.text(channel, HttpResponseStatus.BAD_REQUEST, rejection, false);
            finished = true;
            return;
        }
        channel.write(Responses.streamHead());
        streaming = true;
        metrics.followerConnected();
        long tick = Math.max(10, options.heartbeatInterval().toMillis() / 4);
        ticker = channel.eventLoop().scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Lets go of the shadow WALs, listener and staged snapshot, once the connection is gone: on the pump, or by
     * the server after its executors stopped.
     */
    void release() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (streaming) {
            streaming = false;
            metrics.followerGone();
        }
        producer.release();
        onRelease.accept(this);
    }

    Channel channel() {
        return channel;
    }

    private void pump() {
        for (int sent = 0; ; sent++) {
            if (closed.get()) {
                release();
                return;
            }
            if (finished) {
                return;
            }
            if (shutdownRequested) {
                finish(StreamRecords.end(EndCode.END_CODE_SHUTDOWN, "the primary is shutting down"));
                return;
            }
            if (sent == RECORDS_PER_RUN) {
                dirty = true;
                return;
            }
            if (!canWrite()) {
                waitingForDrain = true;
                if (!canWrite()) {
                    return;
                }
                waitingForDrain = false;
            }
            StreamRecord r;
            try {
                r = producer.next();
            } catch (IOException | RuntimeException e) {
                log.warn("{}: stream failed: {}", name, e.getMessage());
                r = StreamRecords.end(EndCode.END_CODE_INTERNAL_ERROR, String.valueOf(e.getMessage()));
            }
            if (r == null) {
                return;
            }
            if (r.getKindCase() == StreamRecord.KindCase.END) {
                finish(r);
                return;
            }
            send(r);
        }
    }

    private boolean canWrite() {
        return channel.isWritable() && queuedBytes.get() < options.maxQueuedBytes();
    }

    private void send(StreamRecord r) {
        byte[] bytes = StreamRecordEncoder.encode(r);
        Pos reaches = reaches(r);
        int n = bytes.length;
        long queued = queuedBytes.addAndGet(n);
        peakQueuedBytes.accumulateAndGet(queued, Math::max);
        lastWriteNanos = System.nanoTime();
        if (queued == n) {
            // the stall clock runs only while something is queued
            lastProgressNanos = lastWriteNanos;
        }
        var written = channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
        recordsQueued = true;
        written.addListener(f -> {
            long left = queuedBytes.addAndGet(-n);
            if (f.isSuccess()) {
                lastProgressNanos = System.nanoTime();
                metrics.sent(n);
                if (reaches != null) {
                    streamed = reaches;
                    if (caughtUp()) {
                        caughtUpNanos = lastProgressNanos;
                    }
                }
            }
            if (waitingForDrain && left <= options.maxQueuedBytes() / 2) {
                waitingForDrain = false;
                wake();
            }
        });
    }

    /** The follower's position once {@code r} reached it: a WAL segment's end, a resume position; else null. */
    private static Pos reaches(StreamRecord r) {
        try {
            return switch (r.getKindCase()) {
                case WAL_SEGMENT -> StreamPositions.fromProto(r.getWalSegment().getEnd());
                case HELLO -> r.getHello().hasResumePosition()
                        ? StreamPositions.fromProto(r.getHello().getResumePosition()) : null;
                default -> null;
            };
        } catch (StreamFormatException e) {
            // our own records hold positions made from valid Pos values
            return null;
        }
    }

    private void finish(StreamRecord end) {
        finished = true;
        send(end);
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }

    /** On the event loop: disconnect a stalled follower, queue a heartbeat behind pending records when idle. */
    private void tick() {
        if (closed.get() || finished || !recordsQueued) {
            return;
        }
        long now = System.nanoTime();
        if (caughtUp()) {
            caughtUpNanos = now;
        }
        if (queuedBytes.get() > 0 && now - lastProgressNanos > options.stallTimeout().toNanos()) {
            log.warn("{}: follower {} made no progress for {} s with {} bytes queued; disconnecting", name,
                    channel.remoteAddress(), options.stallTimeout().toSeconds(), queuedBytes.get());
            metrics.stalledDisconnect();
            // once: over TLS the close waits for close_notify to flush (up to 3 s), and ticks go on meanwhile
            finished = true;
            channel.close();
            return;
        }
        if (now - lastWriteNanos >= options.heartbeatInterval().toNanos() && canWrite()) {
            lastWriteNanos = now;
            channel.eventLoop().execute(() -> {
                if (!finished && !closed.get()) {
                    send(StreamRecords.heartbeat(producer.primaryPosition(), System.currentTimeMillis()));
                }
            });
            wake();
        }
    }
}

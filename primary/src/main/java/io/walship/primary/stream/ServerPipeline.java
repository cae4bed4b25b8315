package io.walship.primary.stream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Each accepted connection's handlers: TLS when configured, HTTP/1.1 with bounded request heads, the request
 * timeouts, then the router, or the 503 answer when {@code max-connections} are already served.
 */
final class ServerPipeline extends ChannelInitializer<SocketChannel> {
    /** A GET has no body worth keeping; this only bounds what a client may make us buffer. */
    private static final int MAX_BODY_BYTES = 8192;

    private volatile SslContext ssl;
    private final ConnectionLimits limits;
    private final Supplier<ChannelHandler> router;
    private final AtomicInteger served = new AtomicInteger();

    /** @param ssl the TLS context, or null for plain HTTP */
    ServerPipeline(SslContext ssl, ConnectionLimits limits, Supplier<ChannelHandler> router) {
        this.ssl = ssl;
        this.limits = limits;
        this.router = router;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        SslContext tls = ssl;
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc()));
        }
        p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(ConnectionLimits.MAX_REQUEST_HEAD_BYTES)
                        .setMaxHeaderSize(ConnectionLimits.MAX_REQUEST_HEAD_BYTES)))
                .addLast("timeouts", new RequestTimeouts(limits))
                .addLast("aggregate", new HttpObjectAggregator(MAX_BODY_BYTES));
        if (served.incrementAndGet() > limits.maxConnections()) {
            served.decrementAndGet();
            p.addLast("overloaded", new Overloaded(limits.maxConnections()));
            return;
        }
        ch.closeFuture().addListener(f -> served.decrementAndGet());
        p.addLast("route", router.get());
    }

    /** The TLS context for connections from now on (SIGHUP); open ones keep theirs. */
    void ssl(SslContext next) {
        ssl = next;
    }

    /** Connections being served now (not counting those answered 503). */
    int served() {
        return served.get();
    }
}

package io.walship.primary.stream;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that does not deliver its request in time: a new one (TLS handshake included) gets the header
 * timeout to send complete request headers, so a slow-loris client cannot hold it open by trickling bytes; a kept-
 * alive one gets the idle timeout for its next request. Sits after the HTTP decoder, which emits a request only
 * once its headers are complete. While a request is answered there is no deadline, and a stream never re-arms it:
 * its last content is followed by the close.
 */
final class RequestTimeouts extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestTimeouts.class);

    private final ConnectionLimits limits;
    private ScheduledFuture<?> deadline;

    RequestTimeouts(ConnectionLimits limits) {
        this.limits = limits;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx, limits.headerTimeout(), "request headers");
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            disarm();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent) {
            // a response is complete (a FullHttpResponse is one too): the connection waits for the next request
            promise = promise.unvoid().addListener(f -> arm(ctx, limits.idleTimeout(), "the next request"));
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    private void arm(ChannelHandlerContext ctx, Duration timeout, String what) {
        disarm();
        if (!ctx.channel().isActive()) {
            return;
        }
        deadline = ctx.executor().schedule(() -> {
            log.debug("closing {}: no {} within {} ms", ctx.channel().remoteAddress(), what, timeout.toMillis());
            ctx.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}

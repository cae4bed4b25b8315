package io.walship.primary.stream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Serves a connection beyond {@code max-connections}: its request is answered 503 and the connection closed (a
 * follower retries with back-off). Waiting for the request, rather than closing at once, lets the client read the
 * answer instead of a reset.
 */
final class Overloaded extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final int maxConnections;

    Overloaded(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        Responses.text(ctx.channel(), HttpResponseStatus.SERVICE_UNAVAILABLE, "too many connections (the server"
                + " serves at most " + maxConnections + " at once); try again later", false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

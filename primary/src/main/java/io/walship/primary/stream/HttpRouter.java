package io.walship.primary.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.walship.primary.metrics.MetricsPage;
import io.walship.protocol.Pos;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one HTTP request on the event loop: {@code /healthz}, {@code /metrics}, {@code /pos/NAME}, or hands the
 * connection to a follower session for {@code /stream/NAME?pos=POS}. Only cheap work happens here (a map lookup,
 * parsing); everything that touches files, and {@code /metrics}, runs in the session's pump or on the I/O executor.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
    private static final String STREAM = "/stream/";
    private static final String POS = "/pos/";

    private final StreamServer server;

    HttpRouter(StreamServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            refuse(ctx, req.decoderResult().cause());
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        if (!req.method().equals(HttpMethod.GET)) {
            Responses.text(ctx.channel(), HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET is supported", keepAlive);
            return;
        }
        if (path.equals("/healthz")) {
            String problem = server.health().problem();
            Responses.text(ctx.channel(), problem == null ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    problem == null ? "ok" : problem, keepAlive);
            return;
        }
        if (!server.auth().allows(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            Responses.text(ctx.channel(), HttpResponseStatus.UNAUTHORIZED,
                    "unauthorized: send Authorization: Bearer <token>", keepAlive);
            return;
        }
        if (path.equals("/metrics")) {
            metrics(ctx.channel(), keepAlive);
        } else if (path.startsWith(POS)) {
            StreamedDatabase db = lookup(ctx, path.substring(POS.length()), keepAlive);
            if (db != null) {
                position(ctx.channel(), db, keepAlive);
            }
        } else if (path.startsWith(STREAM)) {
            stream(ctx, uri, path.substring(STREAM.length()));
        } else {
            Responses.text(ctx.channel(), HttpResponseStatus.NOT_FOUND, "no such endpoint " + path
                    + " (endpoints: /stream/NAME?pos=POS, /pos/NAME, /metrics, /healthz)", keepAlive);
        }
    }

    /** Off the event loop: a scrape reads file sizes and walks the JVM's threads. */
    private void metrics(Channel ch, boolean keepAlive) {
        try {
            server.io().execute(() -> Responses.text(ch, HttpResponseStatus.OK, server.metricsText(), keepAlive,
                    MetricsPage.CONTENT_TYPE));
        } catch (RejectedExecutionException e) {
            Responses.text(ch, HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down", false);
        }
    }

    /** A request the decoder gave up on: too long a line or header block, or not HTTP at all. */
    private static void refuse(ChannelHandlerContext ctx, Throwable cause) {
        int limit = ConnectionLimits.MAX_REQUEST_HEAD_BYTES;
        if (cause instanceof TooLongHttpLineException) {
            Responses.text(ctx.channel(), HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line longer than "
                    + limit + " bytes", false);
        } else if (cause instanceof TooLongHttpHeaderException) {
            Responses.text(ctx.channel(), HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers"
                    + " longer than " + limit + " bytes", false);
        } else {
            Responses.text(ctx.channel(), HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", false);
        }
    }

    /** Captures first (file I/O, off the event loop), so the answer includes every commit made before the request. */
    private void position(Channel ch, StreamedDatabase db, boolean keepAlive) {
        try {
            server.io().execute(() -> {
                try {
                    Responses.text(ch, HttpResponseStatus.OK, db.capturePosition().toString(), keepAlive);
                } catch (IOException | RuntimeException e) {
                    Responses.text(ch, HttpResponseStatus.SERVICE_UNAVAILABLE, "position unavailable: " + e.getMessage(), false);
                }
            });
        } catch (RejectedExecutionException e) {
            Responses.text(ch, HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down", false);
        }
    }

    private void stream(ChannelHandlerContext ctx, QueryStringDecoder uri, String name) {
        StreamedDatabase db = lookup(ctx, name, false);
        if (db == null) {
            return;
        }
        List<String> values = uri.parameters().get("pos");
        String text = values == null || values.isEmpty() ? "" : values.get(values.size() - 1);
        Pos requested = null;
        if (!text.isBlank()) {
            try {
                requested = Pos.parse(text);
            } catch (IllegalArgumentException e) {
                Responses.text(ctx.channel(), HttpResponseStatus.BAD_REQUEST, e.getMessage(), false);
                return;
            }
        }
        FollowerSession session = server.newSession(ctx.channel(), name, db, requested);
        ctx.pipeline().replace(this, "stream", new StreamHandler(session));
        session.start();
    }

    private StreamedDatabase lookup(ChannelHandlerContext ctx, String name, boolean keepAlive) {
        StreamedDatabase db = name.isEmpty() ? null : server.sources().find(name);
        if (db == null) {
            Responses.text(ctx.channel(), HttpResponseStatus.NOT_FOUND, "no database named '" + name
                    + "' on this primary", keepAlive);
        }
        return db;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("request failed: {}", cause.toString());
        ctx.close();
    }
}

package io.walship.primary.stream;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.walship.primary.metrics.MetricsPage;
import io.walship.protocol.Pos;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's HTTP/1.1 server for followers: {@code GET /stream/NAME?pos=POS}, {@code /pos/NAME},
 * {@code /metrics}, {@code /healthz} (interface.md; wire format in protocol/README.md). A follower started with
 * {@code -addr} runs the same server over its own copies (a relay), with its own {@code /metrics} and
 * {@code /healthz}.
 *
 * <p>Threads: Netty's event loops only parse requests and move bytes. Shadow WAL reads and record encoding run on
 * the I/O executor, snapshot staging on its own small executor, so a large snapshot never delays WAL for others.
 */
public final class StreamServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamServer.class);
    private static final long SHUTDOWN_GRACE_MILLIS = 2000;

    private final StreamSources sources;
    private final StreamServerOptions options;
    private final BearerAuth auth;
    private final Set<FollowerSession> sessions = ConcurrentHashMap.newKeySet();
    private final MetricsPage page;
    private final boolean ownsPage;
    private final HealthCheck health;
    private final StreamMetrics metrics;
    private final Transport transport;
    private final ServerPipeline pipeline;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final ExecutorService io;
    private final ExecutorService snapshots;
    private Channel serverChannel;

    private StreamServer(StreamSources sources, StreamServerOptions options, MetricsPage page, boolean ownsPage,
                         HealthCheck health, SslContext ssl) {
        this.sources = sources;
        this.options = options;
        this.page = page;
        this.ownsPage = ownsPage;
        this.health = health;
        this.metrics = new StreamMetrics(page.registry(), () -> List.copyOf(sessions));
        page.add(metrics).add(sources);
        this.auth = new BearerAuth(options.token());
        this.pipeline = new ServerPipeline(ssl, options.limits(), () -> new HttpRouter(this));
        this.transport = Transport.select(options.nativeTransport());
        this.acceptors = new MultiThreadIoEventLoopGroup(1, threads("walship-stream-accept"), transport.ioHandlers());
        this.workers = new MultiThreadIoEventLoopGroup(Math.min(4, Runtime.getRuntime().availableProcessors()),
                threads("walship-stream-loop"), transport.ioHandlers());
        this.io = Executors.newFixedThreadPool(options.ioThreads(), threads("walship-stream-io"));
        this.snapshots = Executors.newFixedThreadPool(2, threads("walship-stream-snapshot"));
    }

    /**
     * Reads the TLS files if any, binds and starts serving; the databases are looked up in {@code sources} on every
     * request. {@code /metrics} shows the stream's and the sources' metrics and the JVM's. Failures are one line
     * naming the file or the address.
     */
    public static StreamServer start(StreamSources sources, StreamServerOptions options) throws IOException {
        return start(new StreamServer(sources, options, new MetricsPage(), true, HealthCheck.ALWAYS_OK, tls(options)));
    }

    /**
     * Binds and serves {@code sources} (a relaying follower's databases) with {@code /metrics} from {@code page},
     * which the caller closes, and {@code /healthz} from {@code health}.
     */
    public static StreamServer start(StreamSources sources, StreamServerOptions options, MetricsPage page,
                                     HealthCheck health) throws IOException {
        return start(new StreamServer(sources, options, page, false, health, tls(options)));
    }

    private static SslContext tls(StreamServerOptions options) throws IOException {
        return options.tls() == null ? null : options.tls().context();
    }

    private static StreamServer start(StreamServer s) throws IOException {
        try {
            s.bind();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void bind() throws IOException {
        int low = Math.max(1, options.maxQueuedBytes() / 2);
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(low, options.maxQueuedBytes()))
                .childHandler(pipeline);
        try {
            serverChannel = b.bind(options.host(), options.port()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + options.host() + ":" + options.port(), e);
        } catch (Exception e) {
            throw new IOException("cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        log.info("stream server listening on {} ({}, {})", address(), transport.name(), security());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    /** "epoll" or "nio". */
    public String transportName() {
        return transport.name();
    }

    /** "plain HTTP", "TLS" or "mutual TLS". */
    public String security() {
        if (options.tls() == null) {
            return "plain HTTP";
        }
        return options.tls().clientCa() == null ? "TLS" : "mutual TLS";
    }

    /**
     * Re-reads the TLS files (SIGHUP), e.g. after a certificate was renewed: new connections get the new one, open
     * ones keep theirs. On a failure nothing changes.
     */
    public void reloadTls() throws IOException {
        if (options.tls() != null) {
            pipeline.ssl(options.tls().context());
        }
    }

    /** Connections served now (streams and requests), not counting those refused for {@code max-connections}. */
    public int connections() {
        return pipeline.served();
    }

    /** The stream's meters. */
    public StreamMetrics metrics() {
        return metrics;
    }

    /** The databases served. */
    StreamSources sources() {
        return sources;
    }

    HealthCheck health() {
        return health;
    }

    /** The executor for file I/O on behalf of requests. */
    ExecutorService io() {
        return io;
    }

    BearerAuth auth() {
        return auth;
    }

    String metricsText() {
        return page.scrape().stripTrailing();
    }

    /** The live follower sessions (tests look at their queues). */
    List<FollowerSession> sessions() {
        return List.copyOf(sessions);
    }

    FollowerSession newSession(Channel channel, String name, StreamedDatabase db, Pos requested) {
        FollowerSession s = new FollowerSession(channel, name, requested,
                wake -> new RecordProducer(name, db, sources, options, snapshots, wake, metrics),
                options, io, metrics, sessions::remove);
        sessions.add(s);
        return s;
    }

    /**
     * Stops accepting, sends every follower an end record (shutdown), waits briefly for them to go, then stops:
     * pumps and snapshot staging before the event loops they write to. Executors are shut down, never interrupted: interrupting a thread that reads the database file would close
     * the capture's file channel.
     */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        for (FollowerSession s : sessions) {
            s.shutdown();
        }
        long deadline = System.currentTimeMillis() + SHUTDOWN_GRACE_MILLIS;
        while (!sessions.isEmpty() && System.currentTimeMillis() < deadline) {
            sleep(10);
        }
        for (FollowerSession s : sessions) {
            s.channel().close();
        }
        io.shutdown();
        snapshots.shutdown();
        try {
            io.awaitTermination(5, TimeUnit.SECONDS);
            snapshots.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (FollowerSession s : sessions) {
            s.release();
        }
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (ownsPage) {
            page.close();
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

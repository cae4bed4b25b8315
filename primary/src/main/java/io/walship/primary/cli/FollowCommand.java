package io.walship.primary.cli;

import io.walship.follower.ApplierSettings;
import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.Upstream;
import io.walship.follower.UpstreamException;
import io.walship.follower.UpstreamTls;
import io.walship.follower.UpstreamUrl;
import io.walship.primary.config.Config;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.GoDuration;
import io.walship.primary.config.UpstreamConfig;
import io.walship.primary.follow.Upstreams;
import io.walship.primary.stream.StreamConfig;
import io.walship.primary.stream.StreamServerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code walship follow [-token TOKEN] UPSTREAM_URL[,UPSTREAM_URL...] DB_PATH} or {@code walship follow -config PATH}
 * (every database with an {@code upstream:} or {@code upstreams:} block): keeps each local database a live read-only
 * copy of a primary's database, from the primary's stream, a relay's, or the archive (tried in the order given), and
 * publishes its position in {@code DB_PATH-litestream/position}. Runs until SIGTERM/SIGINT. With {@code -exec CMD}
 * it starts CMD once every database shows its first snapshot (so the app never reads an empty file), forwards
 * SIGTERM/SIGINT to it, and exits with its status when it exits. With {@code -addr HOST:PORT} it relays its
 * databases to further followers under their names and serves {@code /metrics} and {@code /healthz}.
 */
@Command(name = "follow", mixinStandardHelpOptions = true,
        description = "Keep local databases live read-only copies of a primary's databases (the follower daemon).")
final class FollowCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(FollowCommand.class);
    private static final long READY_POLL_MILLIS = 50;

    /** The config file's {@code exec}, {@code addr} and {@code stream:} block, set while reading the targets. */
    private String execFromConfig;
    private String addrFromConfig;
    private Map<String, Object> streamFromConfig;

    @Mixin
    ConfigOptions config;

    @Option(names = {"-token", "--token"}, paramLabel = "TOKEN",
            description = "Bearer token for the primary (default: $WALSHIP_TOKEN).")
    String token;

    @Option(names = {"-addr", "--addr"}, paramLabel = "HOST:PORT",
            description = "Relay the databases to further followers (/stream/NAME, /pos/NAME) and serve /metrics and"
                    + " /healthz here (config: addr; token and TLS: the stream: block).")
    String addr;

    @Option(names = {"-exec", "--exec"}, paramLabel = "CMD",
            description = "Run CMD (split shell-style) once every database is readable; exit with its status (config: exec).")
    String exec;

    @Option(names = {"-ca", "--ca"}, paramLabel = "PEM",
            description = "Trust an https:// primary whose certificate these CAs signed (default: the JDK's trust store; config: upstream.ca).")
    Path ca;

    @Option(names = {"-cert", "--cert"}, paramLabel = "PEM",
            description = "Client certificate for a primary that requires mutual TLS (config: upstream.cert).")
    Path cert;

    @Option(names = {"-key", "--key"}, paramLabel = "PEM",
            description = "The client certificate's private key, mode 0600 (config: upstream.key).")
    Path key;

    @Option(names = {"-insecure", "--insecure"},
            description = "Allow plain http:// to a primary on another machine (config: upstream.insecure).")
    boolean insecure;

    @Option(names = {"-poll-interval", "--poll-interval"}, paramLabel = "D",
            description = "How often an archive upstream is listed for new WAL segments (default 1s; config: poll-interval).")
    String pollInterval;

    @Parameters(paramLabel = "UPSTREAM_URL DB_PATH", arity = "0..2",
            description = "http://HOST:PORT/NAME of the primary's (or a relay's) database, or its archive s3://BUCKET/PATH"
                    + " or file:///DIR; several, comma-separated, are tried in order. Then the local read-only copy.")
    List<String> args = new ArrayList<>();

    @Override
    public void run() {
        List<Target> targets = targets();
        String execLine = exec != null ? exec : execFromConfig;
        ExecChild child = execLine != null && !execLine.isEmpty() ? ExecChild.parse(execLine) : null;
        String listen = addr != null ? addr : addrFromConfig;
        ListenAddress address = listen != null && !listen.isEmpty() ? ListenAddress.parse(listen) : null;
        List<StreamFollower> followers = open(targets);
        FollowerEndpoint endpoint = null;
        if (address != null) {
            try {
                List<FollowerEndpoint.Relayed> relayed = new ArrayList<>();
                for (int i = 0; i < targets.size(); i++) {
                    relayed.add(new FollowerEndpoint.Relayed(followers.get(i), targets.get(i).dbPath(),
                            targets.get(i).name()));
                }
                endpoint = FollowerEndpoint.start(relayed, StreamConfig.apply(streamFromConfig,
                        StreamServerOptions.defaults().withAddress(address.host(), address.port())));
            } catch (UserException e) {
                followers.forEach(FollowCommand::closeQuietly);
                throw e;
            }
        }
        CountDownLatch stopped = new CountDownLatch(followers.size());
        AtomicReference<UserException> failure = new AtomicReference<>();
        Thread hook = new Thread(() -> {
            log.info("signal received, walship follower shutting down");
            Integer childStatus = child == null ? null : child.stop();
            followers.forEach(FollowCommand::closeQuietly);
            awaitQuietly(stopped);
            // A JVM ended by a signal exits 128+signal; a clean stop is exit 0 (interface.md).
            Runtime.getRuntime().halt(childStatus == null ? 0 : childStatus);
        }, "walship-follow-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        List<Thread> threads = new ArrayList<>();
        for (StreamFollower f : followers) {
            Thread t = new Thread(() -> {
                try {
                    f.run();
                } catch (IOException e) {
                    failure.compareAndSet(null, new UserException(e instanceof UpstreamException
                            ? e.getMessage() : Main.describe(e), e));
                    followers.forEach(FollowCommand::closeQuietly);
                    if (child != null) {
                        child.stop();
                    }
                } finally {
                    stopped.countDown();
                }
            }, "walship-follow");
            t.start();
            threads.add(t);
        }
        if (child != null && awaitFirstSnapshots(followers, stopped) && child.start()) {
            int status = child.waitFor();
            if (failure.get() == null) {
                Runtime.getRuntime().removeShutdownHook(hook);
                followers.forEach(FollowCommand::closeQuietly);
                awaitQuietly(stopped);
                Runtime.getRuntime().halt(status);
            }
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure.get() != null) {
            Runtime.getRuntime().removeShutdownHook(hook);
            if (endpoint != null) {
                endpoint.close();
            }
            throw failure.get();
        }
    }

    /**
     * The readiness gate of {@code -exec}: true once every follower has a visible position, false if a follower
     * stopped first.
     */
    private static boolean awaitFirstSnapshots(List<StreamFollower> followers, CountDownLatch stopped) {
        try {
            while (!followers.stream().allMatch(f -> f.visiblePosition().isPresent())) {
                if (stopped.await(READY_POLL_MILLIS, TimeUnit.MILLISECONDS) || stopped.getCount() < followers.size()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The upstreams of one local database, in the order they are tried, and the name it is relayed under. */
    private record Target(List<UpstreamConfig> upstreams, Path dbPath, String name) {
    }

    private List<Target> targets() {
        String defaultToken = token != null ? token : System.getenv("WALSHIP_TOKEN");
        UpstreamTls tls = tls(abs(ca), abs(cert), abs(key));
        if (!args.isEmpty()) {
            if (config.given()) {
                throw UserException.usage("cannot specify a primary URL and the -config flag");
            }
            if (args.size() != 2) {
                throw UserException.usage("expected UPSTREAM_URL[,UPSTREAM_URL...] DB_PATH");
            }
            Duration poll = pollInterval();
            List<UpstreamConfig> ups = new ArrayList<>();
            for (String url : args.get(0).split(",")) {
                ups.add(checked(UpstreamConfig.fromUrl(url.strip(), defaultToken, tls, insecure, poll)));
            }
            Path db = Path.of(args.get(1));
            return List.of(new Target(ups, db, db.toAbsolutePath().getFileName().toString()));
        }
        Config cfg = config.load();
        execFromConfig = cfg.exec();
        addrFromConfig = cfg.addr();
        streamFromConfig = cfg.stream();
        List<Target> targets = new ArrayList<>();
        for (DbConfig db : cfg.dbs()) {
            if (db.upstreams().isEmpty()) {
                continue;
            }
            List<UpstreamConfig> ups = new ArrayList<>();
            for (UpstreamConfig u : db.upstreams()) {
                ups.add(checked(u.withDefaults(defaultToken, tls, insecure)));
            }
            targets.add(new Target(ups, db.path(), db.effectiveName()));
        }
        if (targets.isEmpty()) {
            throw UserException.usage("no database with an upstream: block in the configuration");
        }
        return targets;
    }

    private Duration pollInterval() {
        if (pollInterval == null) {
            return UpstreamConfig.DEFAULT_POLL_INTERVAL;
        }
        try {
            return GoDuration.parse(pollInterval);
        } catch (IllegalArgumentException e) {
            throw UserException.usage("invalid -poll-interval \"" + pollInterval + "\": expected a duration such as 1s");
        }
    }

    private static UpstreamTls tls(Path ca, Path cert, Path key) {
        try {
            return new UpstreamTls(ca, cert, key);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
    }

    /**
     * Refuses, before any connection, a stream URL that does not parse, plain HTTP across a network unless allowed,
     * and TLS files without https.
     */
    private static UpstreamConfig checked(UpstreamConfig u) {
        if (u.archive() != null) {
            return u;
        }
        try {
            UpstreamUrl upstream = UpstreamUrl.parse(u.url());
            if (upstream.plainOverNetwork() && !u.insecure()) {
                throw UserException.usage("refusing plain http:// to " + upstream.base().getHost() + ", which is not"
                        + " this machine: the token and the database would cross the network unencrypted; use"
                        + " https:// (stream tls-cert and tls-key on the primary) or allow it with insecure: true"
                        + " (-insecure)");
            }
            UpstreamTls tls = u.tls();
            if (!upstream.isHttps() && (tls.ca() != null || tls.cert() != null || tls.key() != null)) {
                throw UserException.usage(upstream + ": ca, cert and key are for https:// primaries");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
    }

    private static Path abs(Path p) {
        return p == null ? null : p.toAbsolutePath();
    }

    private static List<StreamFollower> open(List<Target> targets) {
        List<StreamFollower> followers = new ArrayList<>();
        for (Target t : targets) {
            List<Upstream> ups = new ArrayList<>();
            try {
                for (UpstreamConfig u : t.upstreams()) {
                    ups.add(Upstreams.open(u, t.dbPath()));
                }
                followers.add(StreamFollower.open(t.dbPath(), ups, FollowerOptions.DEFAULT_MAX_BACKOFF,
                        ApplierSettings.defaults()));
            } catch (IOException | RuntimeException e) {
                // the follower owns its upstreams only once it opened
                ups.forEach(Upstream::close);
                followers.forEach(FollowCommand::closeQuietly);
                throw e instanceof RuntimeException r ? r : new UserException(t.dbPath() + ": " + Main.describe(e), e);
            }
        }
        return followers;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(StreamFollower f) {
        try {
            f.close();
        } catch (IOException e) {
            log.warn("close: {}", e.getMessage());
        }
    }
}

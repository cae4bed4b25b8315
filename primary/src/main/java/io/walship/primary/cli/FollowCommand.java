package io.walship.primary.cli;

import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.UpstreamException;
import io.walship.follower.UpstreamTls;
import io.walship.follower.UpstreamUrl;
import io.walship.primary.config.Config;
import io.walship.primary.config.ConfigBlock;
import io.walship.primary.config.DbConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * {@code walship follow [-token TOKEN] PRIMARY_URL DB_PATH} or {@code walship follow -config PATH} (every database
 * with an {@code upstream:} block): keeps each local database a live read-only copy of a primary's database and
 * publishes its position in {@code DB_PATH-litestream/position}. Runs until SIGTERM/SIGINT. With {@code -exec CMD}
 * it starts CMD once every database shows its first snapshot (so the app never reads an empty file), forwards
 * SIGTERM/SIGINT to it, and exits with its status when it exits. With {@code -addr HOST:PORT} it serves
 * {@code /metrics} and {@code /healthz}.
 */
@Command(name = "follow", mixinStandardHelpOptions = true,
        description = "Keep local databases live read-only copies of a primary's databases (the follower daemon).")
final class FollowCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(FollowCommand.class);
    private static final long READY_POLL_MILLIS = 50;
    private static final Set<String> UPSTREAM_KEYS = Set.of("url", "token", "ca", "cert", "key", "insecure");

    /** The config file's {@code exec} and {@code addr}, set while reading the targets. */
    private String execFromConfig;
    private String addrFromConfig;

    @Mixin
    ConfigOptions config;

    @Option(names = {"-token", "--token"}, paramLabel = "TOKEN",
            description = "Bearer token for the primary (default: $WALSHIP_TOKEN).")
    String token;

    @Option(names = {"-addr", "--addr"}, paramLabel = "HOST:PORT",
            description = "Serve /metrics and /healthz here (config: addr).")
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

    @Parameters(paramLabel = "PRIMARY_URL DB_PATH", arity = "0..2",
            description = "http://HOST:PORT/NAME of the primary's database, then the local read-only copy.")
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
                endpoint = FollowerEndpoint.start(address, followers, targets.stream().map(Target::dbPath).toList());
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

    /** What to follow into which file, and how to reach it. */
    private record Target(UpstreamUrl upstream, Path dbPath, String token, UpstreamTls tls) {
    }

    private List<Target> targets() {
        String defaultToken = token != null ? token : System.getenv("WALSHIP_TOKEN");
        if (!args.isEmpty()) {
            if (config.given()) {
                throw UserException.usage("cannot specify a primary URL and the -config flag");
            }
            if (args.size() != 2) {
                throw UserException.usage("expected PRIMARY_URL DB_PATH");
            }
            return List.of(target(args.get(0), Path.of(args.get(1)), defaultToken, abs(ca), abs(cert), abs(key),
                    insecure));
        }
        Config cfg = config.load();
        execFromConfig = cfg.exec();
        addrFromConfig = cfg.addr();
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < cfg.dbs().size(); i++) {
            DbConfig db = cfg.dbs().get(i);
            ConfigBlock up = ConfigBlock.of(db.upstream(), "dbs[" + i + "].upstream");
            up.requireOnly(UPSTREAM_KEYS);
            if (up.string("url") == null) {
                continue;
            }
            String t = up.string("token");
            targets.add(target(up.string("url"), db.path(), t != null ? t : defaultToken, or(up.path("ca"), ca),
                    or(up.path("cert"), cert), or(up.path("key"), key), up.flag("insecure") || insecure));
        }
        if (targets.isEmpty()) {
            throw UserException.usage("no database with an upstream: block in the configuration");
        }
        return targets;
    }

    /** Refuses, before any connection, plain HTTP across a network unless allowed and TLS files without https. */
    private static Target target(String url, Path dbPath, String token, Path ca, Path cert, Path key,
                                 boolean insecure) {
        try {
            UpstreamUrl upstream = UpstreamUrl.parse(url);
            if (upstream.plainOverNetwork() && !insecure) {
                throw UserException.usage("refusing plain http:// to " + upstream.base().getHost() + ", which is not"
                        + " this machine: the token and the database would cross the network unencrypted; use"
                        + " https:// (stream tls-cert and tls-key on the primary) or allow it with insecure: true"
                        + " (-insecure)");
            }
            if (!upstream.isHttps() && (ca != null || cert != null || key != null)) {
                throw UserException.usage(upstream + ": ca, cert and key are for https:// primaries");
            }
            return new Target(upstream, dbPath, token, new UpstreamTls(ca, cert, key));
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
    }

    private static Path or(Path fromConfig, Path flag) {
        return fromConfig != null ? fromConfig : abs(flag);
    }

    private static Path abs(Path p) {
        return p == null ? null : p.toAbsolutePath();
    }

    private static List<StreamFollower> open(List<Target> targets) {
        List<StreamFollower> followers = new ArrayList<>();
        for (Target t : targets) {
            try {
                followers.add(StreamFollower.open(FollowerOptions.of(t.upstream(), t.dbPath()).withToken(t.token())
                        .withTls(t.tls())));
            } catch (IOException e) {
                followers.forEach(FollowCommand::closeQuietly);
                throw new UserException(t.dbPath() + ": " + Main.describe(e), e);
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

package io.walship.primary.cli;

import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.UpstreamException;
import io.walship.follower.UpstreamUrl;
import io.walship.primary.config.Config;
import io.walship.primary.config.DbConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
 * publishes its position in {@code DB_PATH-litestream/position}. Runs until SIGTERM/SIGINT.
 */
@Command(name = "follow", mixinStandardHelpOptions = true,
        description = "Keep local databases live read-only copies of a primary's databases (the follower daemon).")
final class FollowCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(FollowCommand.class);

    @Mixin
    ConfigOptions config;

    @Option(names = {"-token", "--token"}, paramLabel = "TOKEN",
            description = "Bearer token for the primary (default: $WALSHIP_TOKEN).")
    String token;

    @Parameters(paramLabel = "PRIMARY_URL DB_PATH", arity = "0..2",
            description = "http://HOST:PORT/NAME of the primary's database, then the local read-only copy.")
    List<String> args = new ArrayList<>();

    @Override
    public void run() {
        List<StreamFollower> followers = open(targets());
        CountDownLatch stopped = new CountDownLatch(followers.size());
        AtomicReference<UserException> failure = new AtomicReference<>();
        Thread hook = new Thread(() -> {
            log.info("signal received, walship follower shutting down");
            followers.forEach(FollowCommand::closeQuietly);
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // A JVM ended by a signal exits 128+signal; a clean stop is exit 0 (interface.md).
            Runtime.getRuntime().halt(0);
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
                } finally {
                    stopped.countDown();
                }
            }, "walship-follow");
            t.start();
            threads.add(t);
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
            throw failure.get();
        }
    }

    /** (upstream, local path, token) for each database to follow. */
    private record Target(UpstreamUrl upstream, Path dbPath, String token) {
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
            return List.of(new Target(upstream(args.get(0)), Path.of(args.get(1)), defaultToken));
        }
        Config cfg = config.load();
        List<Target> targets = new ArrayList<>();
        for (DbConfig db : cfg.dbs()) {
            Map<String, Object> up = db.upstream();
            if (up == null || up.get("url") == null) {
                continue;
            }
            Object t = up.get("token");
            targets.add(new Target(upstream(up.get("url").toString()), db.path(), t != null ? t.toString() : defaultToken));
        }
        if (targets.isEmpty()) {
            throw UserException.usage("no database with an upstream: block in the configuration");
        }
        return targets;
    }

    private static UpstreamUrl upstream(String url) {
        try {
            return UpstreamUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
    }

    private static List<StreamFollower> open(List<Target> targets) {
        List<StreamFollower> followers = new ArrayList<>();
        for (Target t : targets) {
            try {
                followers.add(StreamFollower.open(FollowerOptions.of(t.upstream(), t.dbPath()).withToken(t.token())));
            } catch (IOException e) {
                followers.forEach(FollowCommand::closeQuietly);
                throw new UserException(t.dbPath() + ": " + Main.describe(e), e);
            }
        }
        return followers;
    }

    private static void closeQuietly(StreamFollower f) {
        try {
            f.close();
        } catch (IOException e) {
            log.warn("close: {}", e.getMessage());
        }
    }
}

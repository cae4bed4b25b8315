package io.walship.primary.cli;

import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.UpstreamException;
import io.walship.follower.UpstreamUrl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code walship follow [-token TOKEN] PRIMARY_URL DB_PATH}: keeps DB_PATH a live read-only copy of the primary's
 * database and publishes its position in {@code DB_PATH-litestream/position}. Runs until SIGTERM/SIGINT.
 */
@Command(name = "follow", mixinStandardHelpOptions = true,
        description = "Keep a local database a live read-only copy of a primary's database (the follower daemon).")
final class FollowCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(FollowCommand.class);

    @Option(names = {"-token", "--token"}, paramLabel = "TOKEN", description = "Bearer token for the primary.")
    String token;

    @Parameters(index = "0", paramLabel = "PRIMARY_URL", description = "http://HOST:PORT/NAME of the primary's database.")
    String primaryUrl;

    @Parameters(index = "1", paramLabel = "DB_PATH", description = "The local read-only copy.")
    Path dbPath;

    @Override
    public void run() {
        UpstreamUrl upstream;
        try {
            upstream = UpstreamUrl.parse(primaryUrl);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
        String t = token != null ? token : System.getenv("WALSHIP_TOKEN");
        StreamFollower follower;
        try {
            follower = StreamFollower.open(FollowerOptions.of(upstream, dbPath).withToken(t));
        } catch (IOException e) {
            throw new UserException(dbPath + ": " + Main.describe(e), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log.info("signal received, walship follower shutting down");
            try {
                follower.close();
            } catch (IOException e) {
                log.warn("close: {}", e.getMessage());
            }
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // A JVM ended by a signal exits 128+signal; a clean stop is exit 0 (interface.md).
            Runtime.getRuntime().halt(0);
        }, "walship-follow-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            follower.run();
        } catch (IOException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            throw new UserException(e instanceof UpstreamException ? e.getMessage() : dbPath + ": " + Main.describe(e), e);
        } finally {
            stopped.countDown();
        }
    }
}

package io.walship.demo;

import io.walship.embeddeds3.EmbeddedS3;
import io.walship.primary.archive.ReplicaWorker;
import io.walship.primary.archive.Replicator;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.S3ReplicaClient;
import io.walship.primary.replica.S3Settings;
import io.walship.primary.restore.LogRestoreProgress;
import io.walship.primary.restore.ReplicaListing;
import io.walship.primary.restore.RestoreCriteria;
import io.walship.primary.restore.RestorePlanner;
import io.walship.primary.restore.RestoreTarget;
import io.walship.primary.restore.Restorer;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.UpstreamUrl;
import io.walship.protocol.Pos;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code walship demo}: an S3 endpoint on loopback with real authentication, a primary archiving a demo database
 * under a steady writer and streaming it to a follower, a status line per second, and at the end the follower and
 * a restore from S3 both checked equal to the primary. Lives outside the daemon jar, like the embedded S3 server it uses.
 */
public final class Demo {
    private static final String BUCKET = "walship-demo";
    private static final int COMMITS_PER_SECOND = 200;

    private Demo() {
    }

    /** Runs the demo for {@code duration} (null: until Ctrl-C) and returns the process exit status. */
    public static int run(Duration duration, PrintStream out) throws Exception {
        Path work = Files.createTempDirectory("walship-demo-");
        Path dbPath = work.resolve("demo.db");
        SecureRandom random = new SecureRandom();
        String accessKey = "demo" + HexFormat.of().formatHex(random.generateSeed(6));
        String secret = HexFormat.of().formatHex(random.generateSeed(20));
        try (EmbeddedS3 s3 = EmbeddedS3.start(accessKey, secret)) {
            s3.createBucket(BUCKET);
            S3Settings settings = new S3Settings(BUCKET, "demo.db", s3.endpoint(), "us-east-1", true, accessKey, secret, false);
            out.printf("walship demo: database %s%n", dbPath);
            out.printf("walship demo: S3 endpoint %s (AWS v4 auth), replica %s%n", s3.endpoint(), settings);
            DemoWriter.createSchema(dbPath);
            DemoWriter writer = new DemoWriter(dbPath, COMMITS_PER_SECOND);
            ReplicaConfig replica = ReplicaConfig.ofUrl("s3://" + BUCKET + "/demo.db");
            Replicator replicator = new Replicator(rc -> new S3ReplicaClient(settings));
            Replicator.Entry entry = replicator.add(DbConfig.of(dbPath, List.of(replica)));
            StreamServer server = StreamServer.start(replicator, StreamServerOptions.defaults());
            Path followerPath = work.resolve("follower.db");
            UpstreamUrl upstream = UpstreamUrl.parse("http://127.0.0.1:" + server.port() + "/demo.db");
            out.printf("walship demo: follower %s streaming from %s%n", followerPath, upstream);
            StreamFollower follower = StreamFollower.open(FollowerOptions.of(upstream, followerPath));
            Thread followerThread = new Thread(() -> {
                try {
                    follower.run();
                } catch (Exception e) {
                    out.println("walship demo: follower stopped: " + e.getMessage());
                }
            }, "demo-follower");
            followerThread.start();
            Thread writerThread = new Thread(writer, "demo-writer");
            writerThread.start();

            CountDownLatch interrupted = new CountDownLatch(1);
            Thread hook = new Thread(interrupted::countDown);
            Runtime.getRuntime().addShutdownHook(hook);
            long started = System.nanoTime();
            long lastCommits = 0;
            while (duration == null || System.nanoTime() - started < duration.toNanos()) {
                if (interrupted.await(1, java.util.concurrent.TimeUnit.SECONDS) || writer.failure() != null) {
                    break;
                }
                long commits = writer.commits();
                out.println(status(started, commits - lastCommits, commits, entry, s3.keys(BUCKET).size(),
                        followerLagMillis(entry, follower, Duration.ofSeconds(1))));
                lastCommits = commits;
            }
            writer.stop();
            writerThread.join();
            if (writer.failure() != null) {
                out.println("walship demo: writer failed: " + writer.failure().getMessage());
                return 1;
            }
            boolean synced = replicator.syncAll();
            long lag = followerLagMillis(entry, follower, Duration.ofSeconds(30));
            follower.close();
            followerThread.join();
            server.close();
            replicator.close();
            if (!synced) {
                out.println("walship demo: final sync failed");
                return 1;
            }
            DatabaseComparison followed = DatabaseComparison.compare(dbPath, followerPath, "orders");
            out.println("walship demo: follower check: " + followed + (lag < 0 ? "" : ", caught up in " + lag + " ms"));
            int restored = restoreCheck(settings, dbPath, work.resolve("restored.db"), out);
            return followed.equal() ? restored : 1;
        }
    }

    /**
     * Read-your-writes as a user measures it: the primary's position now, then the time until the follower's
     * position file says that position is visible (-1 if not within {@code limit}).
     */
    private static long followerLagMillis(Replicator.Entry entry, StreamFollower follower, Duration limit)
            throws InterruptedException {
        Pos target = entry.db().position();
        long start = System.nanoTime();
        while (System.nanoTime() - start < limit.toNanos()) {
            Pos seen = follower.visiblePosition().orElse(null);
            if (seen != null && seen.generation().equals(target.generation()) && seen.compareTo(target) >= 0) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(1);
        }
        return -1;
    }

    private static String status(long started, long commitsLastSecond, long commits, Replicator.Entry entry, int objects,
                                 long followerLag) {
        Pos primary = entry.db().position();
        ReplicaWorker worker = entry.workers().get(0);
        Pos replica = worker.position();
        long lagBytes = replica == null || !replica.generation().equals(primary.generation()) || replica.index() != primary.index()
                ? -1 : primary.offset() - replica.offset();
        return String.format(Locale.ROOT,
                "t=%3ds  commits/s=%4d  commits=%6d  primary=%s  follower-lag=%s  s3=%s  s3-lag=%s  s3-objects=%d",
                (System.nanoTime() - started) / 1_000_000_000L, commitsLastSecond, commits,
                primary.toLitestreamString(), followerLag < 0 ? ">1s" : followerLag + "ms",
                replica == null ? "-" : replica.toLitestreamString(), lagBytes < 0 ? "-" : lagBytes + "B", objects);
    }

    private static int restoreCheck(S3Settings settings, Path dbPath, Path restored, PrintStream out) throws Exception {
        out.println("walship demo: restoring the S3 replica to " + restored);
        try (ReplicaClient client = new S3ReplicaClient(settings)) {
            RestoreTarget target = RestorePlanner.plan(List.of(ReplicaListing.load("s3", client, null)), RestoreCriteria.LATEST);
            new Restorer(Restorer.DEFAULT_PARALLELISM, new LogRestoreProgress()).restore(client, target, restored);
        }
        DatabaseComparison cmp = DatabaseComparison.compare(dbPath, restored, "orders");
        out.println("walship demo: restore check: " + cmp);
        return cmp.equal() ? 0 : 1;
    }
}

package io.walship.bench;

import io.walship.follower.ApplierSettings;
import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamFollower;
import io.walship.follower.StreamUpstream;
import io.walship.follower.Upstream;
import io.walship.follower.UpstreamUrl;
import io.walship.primary.archive.Replicator;
import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.follow.ArchiveUpstream;
import io.walship.primary.metrics.MetricsPage;
import io.walship.primary.relay.RelayDatabase;
import io.walship.primary.replica.FileReplicaClient;
import io.walship.primary.replica.ReplicaClients;
import io.walship.primary.stream.HealthCheck;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import io.walship.protocol.Pos;
import io.walship.protocol.WalHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run of one {@code bench follow} case, all in this JVM on loopback: a primary database captured by a
 * {@link Replicator} (with a directory replica when the followers read the archive) and served by a
 * {@link StreamServer}, {@code followers} {@link StreamFollower}s each with its own database, following the primary,
 * the archive or the end of a chain of two relays ({@link FollowVia}), and a {@link BenchWriter}.
 *
 * <p>How lag is measured: the writer notes when each commit returned and its exact WAL end from the wal-index
 * ({@link WalIndexProbe}); capture tells which WAL index each WAL life became ({@link CaptureRecorder}), giving the
 * commit's primary position. Each follower reports, from its apply thread, when a position became its
 * {@link StreamFollower#visiblePosition()} ({@link FollowerRecorder}). A commit's lag on a follower is the time
 * from its commit to the first visible position at or after it; no polling, so no sampling error.
 */
final class FollowCase {
    private static final String NAME = "app.db";
    private static final long SETTLE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How long followers may take to apply the backlog of a case the writer outran them in. */
    private static final long CATCH_UP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final FollowVia via;
    private final int followerCount;
    private final int rate;
    private final int run;
    private final Duration duration;
    private final Duration warmup;

    FollowCase(FollowVia via, int followerCount, int rate, int run, Duration duration, Duration warmup) {
        this.via = via;
        this.followerCount = followerCount;
        this.rate = rate;
        this.run = run;
        this.duration = duration;
        this.warmup = warmup;
    }

    CaseResult run() throws Exception {
        Path dir = Files.createTempDirectory("walship-bench-");
        Path primary = dir.resolve("primary").resolve(NAME);
        Files.createDirectories(primary.getParent());
        BenchWriter.createSchema(primary);
        List<Running> followers = new ArrayList<>();
        List<AutoCloseable> relays = new ArrayList<>();
        Path archive = dir.resolve("replica");
        Replicator replicator = new Replicator(ReplicaClients::open);
        StreamServer server = null;
        WalIndexProbe probe = null;
        try {
            List<ReplicaConfig> replicas = via == FollowVia.ARCHIVE
                    ? List.of(ReplicaClients.fromUrl("file://" + archive)) : List.of();
            CapturedDatabase db = replicator.add(DbConfig.of(primary, replicas)).db();
            probe = new WalIndexProbe(primary);
            CaptureRecorder capture = new CaptureRecorder(db);
            db.addListener(capture);
            server = StreamServer.start(replicator, StreamServerOptions.defaults().withSpoolDir(dir));
            UpstreamUrl upstream = UpstreamUrl.parse("http://127.0.0.1:" + server.port() + "/" + NAME);
            if (via == FollowVia.RELAYS) {
                upstream = relay(relay(upstream, dir.resolve("relay-1"), relays), dir.resolve("relay-2"), relays);
            }
            for (int i = 0; i < followerCount; i++) {
                Path f = dir.resolve("follower-" + i).resolve(NAME);
                followers.add(Running.start(f, via == FollowVia.ARCHIVE
                        ? new ArchiveUpstream(new FileReplicaClient(archive), Duration.ofSeconds(1))
                        : StreamUpstream.of(FollowerOptions.of(upstream, f))));
            }
            Pos start = db.position();
            waitUntil("followers to load the snapshot", followers, () -> allCover(followers, start.index(), start.offset()));
            return measure(primary, probe, db, capture, followers);
        } finally {
            for (Running f : followers) {
                f.stop();
            }
            for (int i = relays.size() - 1; i >= 0; i--) {
                relays.get(i).close();
            }
            if (server != null) {
                server.close();
            }
            replicator.close();
            if (probe != null) {
                probe.close();
            }
            deleteTree(dir);
        }
    }

    /** A relaying follower of {@code upstream} in {@code dir}, serving on a loopback port; returns its URL. */
    private static UpstreamUrl relay(UpstreamUrl upstream, Path dir, List<AutoCloseable> relays) throws Exception {
        Path db = dir.resolve(NAME);
        Running follower = Running.start(db, StreamUpstream.of(FollowerOptions.of(upstream, db)));
        relays.add(follower::stop);
        RelayDatabase relay = RelayDatabase.open(follower.follower, db, CapturedDatabase.DEFAULT_STREAM_RETENTION_BYTES,
                () -> true);
        MetricsPage page = new MetricsPage();
        StreamServer server = StreamServer.start(Map.of(NAME, relay)::get,
                StreamServerOptions.defaults().withSpoolDir(dir), page, HealthCheck.ALWAYS_OK);
        relays.add(() -> {
            server.close();
            page.close();
        });
        return UpstreamUrl.parse("http://127.0.0.1:" + server.port() + "/" + NAME);
    }

    private CaseResult measure(Path primary, WalIndexProbe probe, CapturedDatabase db, CaptureRecorder capture,
                               List<Running> followers) throws Exception {
        long recordFrom = System.nanoTime() + warmup.toNanos();
        long stopAt = recordFrom + duration.toNanos();
        BenchWriter writer = new BenchWriter(primary, probe, rate, recordFrom, stopAt);
        Thread t = new Thread(writer, "bench-writer");
        t.start();
        t.join();
        if (writer.failure() != null) {
            throw new IOException("writer failed: " + writer.failure().getMessage(), writer.failure());
        }
        long[] commitNanos = writer.commitNanos().toArray();
        int n = commitNanos.length;
        if (n == 0) {
            throw new IOException("the writer made no commit in the measured window");
        }
        long lastSalt = writer.salts().get(n - 1);
        waitUntil("capture to see the last commit", followers, () -> capture.indexOf(lastSalt) >= 0);
        long[] indexes = new long[n];
        long[] offsets = new long[n];
        long frameSize = 24L + db.pageSize();
        for (int i = 0; i < n; i++) {
            indexes[i] = capture.indexOf(writer.salts().get(i));
            if (indexes[i] < 0) {
                throw new IOException("commit " + i + " is in a WAL life capture never saw");
            }
            offsets[i] = WalHeader.SIZE + writer.frames().get(i) * frameSize;
        }
        long lastIndex = indexes[n - 1];
        long lastOffset = offsets[n - 1];
        boolean caughtUp = waitUntil("followers to catch up", followers, CATCH_UP_TIMEOUT_NANOS,
                () -> allCover(followers, lastIndex, lastOffset));
        if (capture.otherGeneration() != null) {
            throw new IOException("the primary started generation " + capture.otherGeneration() + " during the run");
        }
        long[] captureDelays = capture.events().delays(commitNanos, indexes, offsets);
        List<long[]> lags = new ArrayList<>();
        List<long[]> seen = new ArrayList<>();
        List<long[]> received = new ArrayList<>();
        long slowest = 0;
        long batches = 0;
        List<List<Long>> steps = new ArrayList<>();
        for (int s = 0; s < FollowerRecorder.STEPS.length; s++) {
            steps.add(new ArrayList<>());
        }
        List<Long> checkpoints = new ArrayList<>();
        for (Running f : followers) {
            PositionEvents visible = f.recorder.visible();
            long[] lag = visible.delays(commitNanos, indexes, offsets);
            lags.add(lag);
            seen.add(f.recorder.committed().delays(commitNanos, indexes, offsets));
            received.add(f.recorder.received().delays(commitNanos, indexes, offsets));
            slowest = Math.max(slowest, lag[n - 1] < 0 ? System.nanoTime() - commitNanos[n - 1] : lag[n - 1]);
            long[][] intervals = f.recorder.intervals();
            for (int b = 0; b < visible.size(); b++) {
                if (visible.nanos()[b] < recordFrom) {
                    continue;
                }
                batches++;
                for (int s = 0; s < intervals.length; s++) {
                    if (intervals[s][b] >= 0) {
                        steps.get(s).add(intervals[s][b]);
                    }
                }
            }
            for (long c : f.recorder.checkpoints()) {
                checkpoints.add(c);
            }
        }
        boolean rowsChecked = caughtUp && checkRows(primary, followers);
        double window = (commitNanos[n - 1] + slowest - recordFrom) / 1e9;
        double perFollowerBatches = (double) batches / followers.size();
        LatencyStats[] stepStats = new LatencyStats[steps.size()];
        for (int s = 0; s < stepStats.length; s++) {
            stepStats[s] = LatencyStats.of(steps.get(s).stream().mapToLong(Long::longValue).toArray());
        }
        return new CaseResult(followers.size(), rate, run, n, n / (duration.toNanos() / 1e9), n / window,
                LatencyStats.of(concat(List.of(captureDelays))), LatencyStats.of(concat(received)),
                LatencyStats.of(concat(lags)), LatencyStats.of(concat(seen)), caughtUp,
                slowest / 1e6, perFollowerBatches / window, n / Math.max(1, perFollowerBatches), stepStats,
                LatencyStats.of(checkpoints.stream().mapToLong(Long::longValue).toArray()), rowsChecked);
    }

    private static boolean allCover(List<Running> followers, long index, long offset) {
        for (Running f : followers) {
            Pos p = f.follower.visiblePosition().orElse(null);
            if (p == null || p.index() < index || p.index() == index && p.offset() < offset) {
                return false;
            }
        }
        return true;
    }

    /** Every follower holds exactly the primary's rows once caught up; anything else is a replication bug. */
    private static boolean checkRows(Path primary, List<Running> followers) throws SQLException, IOException {
        String want = rows(primary);
        for (Running f : followers) {
            String got = rows(f.dbPath);
            if (!got.equals(want)) {
                throw new IOException(f.dbPath + " has rows " + got + " but the primary has " + want);
            }
        }
        return true;
    }

    private static String rows(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), max(id), total(length(payload)) FROM bench")) {
            rs.next();
            return rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3);
        }
    }

    private static long[] concat(List<long[]> parts) {
        return parts.stream().flatMapToLong(Arrays::stream).filter(d -> d >= 0).toArray();
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    private static void waitUntil(String what, List<Running> followers, Condition c) throws Exception {
        if (!waitUntil(what, followers, SETTLE_TIMEOUT_NANOS, c)) {
            throw new IOException("timed out waiting for " + what);
        }
    }

    /** False if {@code c} still does not hold after {@code timeoutNanos}; throws if a follower failed. */
    private static boolean waitUntil(String what, List<Running> followers, long timeoutNanos, Condition c)
            throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!c.holds()) {
            for (Running f : followers) {
                if (f.failure != null) {
                    throw new IOException("follower " + f.dbPath + " failed: " + f.failure.getMessage(), f.failure);
                }
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A follower and the thread running its stream loop. */
    private static final class Running {
        final Path dbPath;
        final StreamFollower follower;
        final FollowerRecorder recorder;
        final Thread thread;
        volatile Exception failure;

        private Running(Path dbPath, StreamFollower follower, FollowerRecorder recorder) {
            this.dbPath = dbPath;
            this.follower = follower;
            this.recorder = recorder;
            this.thread = new Thread(this::loop, "bench-follower-" + dbPath.getParent().getFileName());
        }

        static Running start(Path dbPath, Upstream upstream) throws IOException {
            Files.createDirectories(dbPath.getParent());
            FollowerRecorder recorder = new FollowerRecorder();
            StreamFollower f = StreamFollower.open(dbPath, List.of(upstream), FollowerOptions.DEFAULT_MAX_BACKOFF,
                    ApplierSettings.defaults().withSteps(recorder));
            recorder.attach(f);
            f.listen(recorder);
            Running r = new Running(dbPath, f, recorder);
            r.thread.start();
            return r;
        }

        private void loop() {
            try {
                follower.run();
            } catch (Exception e) {
                failure = e;
            }
        }

        void stop() throws IOException, InterruptedException {
            follower.close();
            thread.join(10_000);
        }
    }
}

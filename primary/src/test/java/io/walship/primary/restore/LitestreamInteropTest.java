package io.walship.primary.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.primary.replica.FileReplicaClient;
import io.walship.primary.replica.WalSegmentInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replicas written by the real Litestream v0.3.13 while this process writes the database, restored by walship
 * and compared with the source and with {@code litestream restore} of the same replica.
 */
class LitestreamInteropTest {
    @TempDir
    Path work;

    private final AtomicInteger outputs = new AtomicInteger();

    private Path nextOutput(String tool) {
        return work.resolve("restores").resolve(tool + "-" + outputs.incrementAndGet() + ".db");
    }

    private static RestoreResult walshipRestore(Path replicaDir, RestoreCriteria criteria, Path out) throws Exception {
        try (FileReplicaClient client = new FileReplicaClient(replicaDir)) {
            RestoreTarget target = RestorePlanner.plan(List.of(ReplicaListing.load("file", client, criteria.generation())), criteria);
            return new Restorer(Restorer.DEFAULT_PARALLELISM, new LogRestoreProgress()).restore(client, target, out);
        }
    }

    /** Restores with both tools; asserts both succeed with identical content and returns walship's output. */
    private Path restoreWithBoth(LitestreamPeer peer, Path replicaDir, RestoreCriteria criteria, String... flags) throws Exception {
        Path ours = nextOutput("walship");
        walshipRestore(replicaDir, criteria, ours);
        Path theirs = nextOutput("litestream");
        LitestreamPeer.Result r = peer.restore(theirs, replicaDir, flags);
        assertThat(r.exit()).as("litestream restore %s: %s", List.of(flags), r.output()).isZero();
        assertThat(DbFingerprint.of(ours, true)).as("walship vs litestream restore %s", List.of(flags))
                .isEqualTo(DbFingerprint.of(theirs, true));
        assertIntegrityOk(ours);
        return ours;
    }

    private static void assertIntegrityOk(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ok");
        }
    }

    /** Pages of the big transaction: above Litestream's 10000-page forced checkpoint where affordable, else above 1000. */
    private static int bigPages(int pageSize) {
        return pageSize <= 4096 ? 11_000 : 1_100;
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 4096, 65536})
    void restoresWhatLitestreamReplicated(int pageSize) throws Exception {
        LitestreamPeer peer = LitestreamPeer.locate();
        Path dir = Files.createDirectories(work.resolve("p" + pageSize));
        Map<String, String> expected;
        Path replicaDir;
        try (ReplicatedWorkload w = new ReplicatedWorkload(peer, dir, pageSize)) {
            replicaDir = w.replicaDir;
            w.startReplication();
            w.smallTransactions(5, 60, 300);
            Thread.sleep(1200);
            w.bigTransaction(bigPages(pageSize));
            Thread.sleep(1200);
            w.deletesAndUpdates();
            Thread.sleep(1200);
            w.vacuum();
            w.smallTransactions(3, 40, 300);
            w.stopReplication();
            expected = w.fingerprint();
        }

        Path ours = nextOutput("walship");
        RestoreResult res = walshipRestore(replicaDir, RestoreCriteria.LATEST, ours);
        assertThat(DbFingerprint.of(ours, false)).isEqualTo(expected);
        assertIntegrityOk(ours);
        assertThat(res.target().walIndexes()).isNotEmpty();
        try (var files = Files.list(ours.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(ours.getFileName().toString());
        }

        Path theirs = nextOutput("litestream");
        long started = System.nanoTime();
        LitestreamPeer.Result r = peer.restore(theirs, replicaDir);
        long litestreamMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(DbFingerprint.of(ours, true)).isEqualTo(DbFingerprint.of(theirs, true));

        System.out.printf("restore figure: page size %d: %d WAL indexes, %,d compressed bytes downloaded, %,d-byte database,"
                        + " walship %d ms (litestream restore process: %d ms)%n", pageSize, res.target().walIndexes().size(),
                res.downloadedBytes(), res.databaseBytes(), res.elapsed().toMillis(), litestreamMillis);
    }

    @Test
    void pointInTimeRestoresMatchLitestream() throws Exception {
        LitestreamPeer peer = LitestreamPeer.locate();
        Path dir = Files.createDirectories(work.resolve("pit"));
        Map<String, String> firstGenerationEnd;
        Map<String, String> latest;
        Path replicaDir;
        try (ReplicatedWorkload w = new ReplicatedWorkload(peer, dir, 1024)) {
            replicaDir = w.replicaDir;
            w.startReplication();
            // Each round passes Litestream's 1000-page checkpoint threshold, so each starts a new WAL index.
            for (int round = 0; round < 4; round++) {
                w.smallTransactions(2, 30, 400);
                w.bigTransaction(1_100);
                Thread.sleep(1300);
            }
            w.stopReplication();
            firstGenerationEnd = w.fingerprint();
            w.checkpointWithoutLitestream();
            w.smallTransactions(1, 20, 0);
            w.startReplication();
            w.smallTransactions(2, 20, 400);
            w.stopReplication();
            latest = w.fingerprint();
        }

        List<GenerationListing> gens;
        try (FileReplicaClient client = new FileReplicaClient(replicaDir)) {
            gens = ReplicaListing.load("file", client, null).generations().stream()
                    .sorted(Comparator.comparing(GenerationListing::updatedAt)).toList();
        }
        assertThat(gens).hasSize(2);
        GenerationListing first = gens.get(0);
        long maxIndex = first.segments().get(first.segments().size() - 1).index();
        assertThat(maxIndex).as("indexes in the first generation").isGreaterThanOrEqualTo(3);

        Path latestRestore = restoreWithBoth(peer, replicaDir, RestoreCriteria.LATEST);
        assertThat(DbFingerprint.of(latestRestore, false)).isEqualTo(latest);

        Path firstRestore = restoreWithBoth(peer, replicaDir, RestoreCriteria.LATEST.withGeneration(first.generation()),
                "-generation", first.generation());
        assertThat(DbFingerprint.of(firstRestore, false)).isEqualTo(firstGenerationEnd);

        long mid = maxIndex / 2;
        Path atIndex = restoreWithBoth(peer, replicaDir, RestoreCriteria.LATEST.withGeneration(first.generation()).withIndex(mid),
                "-generation", first.generation(), "-index", Long.toHexString(mid));
        assertThat(DbFingerprint.of(atIndex, false)).isNotEqualTo(firstGenerationEnd);

        restoreWithBoth(peer, replicaDir, RestoreCriteria.LATEST.withIndex(0), "-index", "00000000");

        // Between two segment times, so that sub-microsecond mtime precision cannot matter.
        Instant ts = midpointOfWidestGap(first.segments());
        Path atTime = restoreWithBoth(peer, replicaDir, RestoreCriteria.LATEST.withTimestamp(ts), "-timestamp", ts.toString());
        assertThat(DbFingerprint.of(atTime, false)).isNotEqualTo(firstGenerationEnd);

        Instant future = Instant.now().plus(Duration.ofDays(1));
        assertThatThrownBy(() -> walshipRestore(replicaDir, RestoreCriteria.LATEST.withTimestamp(future), nextOutput("walship")))
                .isInstanceOf(NoMatchingBackupsException.class);
        LitestreamPeer.Result r = peer.restore(nextOutput("litestream"), replicaDir, "-timestamp", future.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("no matching backups found");
    }

    /** A time strictly inside the first generation's segment history, in its widest quiet gap after the start. */
    private static Instant midpointOfWidestGap(List<WalSegmentInfo> segments) {
        List<Instant> times = segments.stream().map(WalSegmentInfo::createdAt).sorted().toList();
        Instant best = null;
        Duration widest = Duration.ZERO;
        for (int i = 1; i < times.size() / 2 + 1; i++) {
            Duration gap = Duration.between(times.get(i - 1), times.get(i));
            if (gap.compareTo(widest) > 0) {
                widest = gap;
                best = times.get(i - 1).plus(gap.dividedBy(2));
            }
        }
        assertThat(widest).isGreaterThan(Duration.ofMillis(10));
        return best;
    }
}

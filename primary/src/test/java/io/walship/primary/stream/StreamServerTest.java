package io.walship.primary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.capture.CheckpointMode;
import io.walship.primary.config.DbConfig;
import io.walship.protocol.Pos;
import io.walship.protocol.stream.DecodedRecord;
import io.walship.protocol.stream.StreamPositions;
import io.walship.protocol.stream.proto.EndCode;
import io.walship.protocol.stream.proto.SnapshotReason;
import io.walship.protocol.stream.proto.StreamRecord.KindCase;
import io.walship.protocol.stream.proto.WalSegment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real capture of a JDBC-written database, the real server on loopback, a plain HTTP client and our decoder. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamServerTest {
    @TempDir
    Path dir;
    Path dbPath;
    Connection app;
    CapturedDatabase db;
    final Map<String, CapturedDatabase> dbs = new ConcurrentHashMap<>();
    StreamServer server;

    @BeforeEach
    void setUp() throws Exception {
        dbPath = dir.resolve("app.db");
        app = DriverManager.getConnection("jdbc:sqlite:" + dbPath);
        exec(app, "PRAGMA journal_mode=wal");
        exec(app, "PRAGMA busy_timeout=5000");
        exec(app, "PRAGMA wal_autocheckpoint=0");
        exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        db = CapturedDatabase.open(DbConfig.of(dbPath, List.of()));
        // These tests prune shadow WALs explicitly; nothing is kept for absent followers.
        db.streamRetentionBytes(0);
        dbs.put("app.db", db);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        for (CapturedDatabase d : dbs.values()) {
            d.close();
        }
        db.close();
        app.close();
    }

    private StreamServer start(StreamServerOptions options) throws IOException {
        server = StreamServer.start(dbs::get, options.withSpoolDir(dir));
        return server;
    }

    private StreamServer start() throws IOException {
        return start(StreamServerOptions.defaults());
    }

    private static void exec(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Commits {@code rows} rows of {@code bytes} random bytes in one transaction and captures it. */
    private Pos commit(int rows, int bytes) throws Exception {
        exec(app, "BEGIN");
        for (int i = 0; i < rows; i++) {
            exec(app, "INSERT INTO t (v) VALUES (randomblob(" + bytes + "))");
        }
        exec(app, "COMMIT");
        db.sync();
        return db.position();
    }

    private byte[] shadow(String gen, long index, long from, long to) throws IOException {
        return db.readShadow(gen, index, from, (int) (to - from));
    }

    private static Pos pos(WalSegment s, boolean end) throws IOException {
        return StreamPositions.fromProto(end ? s.getEnd() : s.getStart());
    }

    private static long count(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void emptyPositionGetsASnapshotThenTheWalFromItsIndexStartThenLiveWal() throws Exception {
        start();
        commit(100, 300);
        Pos before = commit(50, 300);
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", null)) {
            assertThat(f.status()).isEqualTo(200);
            assertThat(f.header("content-type")).startsWith("application/x-walship-stream");
            DecodedRecord hello = f.next();
            assertThat(hello.kind()).isEqualTo(KindCase.HELLO);
            assertThat(hello.record().getHello().getPageSize()).isEqualTo(4096);
            assertThat(hello.record().getHello().hasResumePosition()).isFalse();
            assertThat(StreamPositions.fromProto(hello.record().getHello().getPrimaryPosition())).isEqualTo(before);
            DecodedRecord announce = f.nextData();
            assertThat(announce.record().getResnapshot().getReason()).isEqualTo(SnapshotReason.SNAPSHOT_REASON_NO_POSITION);

            DecodedRecord begin = f.nextData();
            Pos snapAt = StreamPositions.fromProto(begin.record().getSnapshotBegin().getPosition());
            assertThat(snapAt).isEqualTo(new Pos(before.generation(), before.index(), 0));
            ByteArrayOutputStream image = new ByteArrayOutputStream();
            DecodedRecord r;
            while ((r = f.nextData()).kind() == KindCase.SNAPSHOT_CHUNK) {
                assertThat(r.record().getSnapshotChunk().getOffset()).isEqualTo(image.size());
                image.write(r.payload());
            }
            assertThat(r.kind()).isEqualTo(KindCase.SNAPSHOT_END);
            assertThat(image.size()).isEqualTo(begin.record().getSnapshotBegin().getSize());
            Pos consistent = StreamPositions.fromProto(r.record().getSnapshotEnd().getConsistentPosition());
            assertThat(consistent).isEqualTo(before);

            ByteArrayOutputStream wal = new ByteArrayOutputStream();
            Pos at = snapAt;
            while (at.compareTo(consistent) < 0) {
                DecodedRecord seg = f.nextData();
                WalSegment s = seg.record().getWalSegment();
                assertThat(pos(s, false)).isEqualTo(at);
                at = pos(s, true);
                wal.write(seg.payload());
            }
            assertThat(at).isEqualTo(consistent);
            assertThat(wal.toByteArray()).isEqualTo(shadow(at.generation(), at.index(), 0, at.offset()));

            // The image plus the primary's WAL bytes is the primary's database at that position.
            Path copy = dir.resolve("copy.db");
            Files.write(copy, image.toByteArray());
            Files.write(dir.resolve("copy.db-wal"), wal.toByteArray());
            assertThat(count(copy)).isEqualTo(150);

            Pos live = commit(3, 100);
            WalSegment next = f.nextData().record().getWalSegment();
            assertThat(pos(next, false)).isEqualTo(consistent);
            assertThat(pos(next, true)).isEqualTo(live);
        }
        assertThat(server.metrics().snapshots(SnapshotReason.SNAPSHOT_REASON_NO_POSITION)).isEqualTo(1);
    }

    @Test
    void resumeFromAMidPositionSendsExactlyTheBytesAfterIt() throws Exception {
        start();
        commit(20, 200);
        Pos mid = commit(20, 200);
        Pos end = commit(30, 200);
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", mid)) {
            DecodedRecord hello = f.next();
            assertThat(StreamPositions.fromProto(hello.record().getHello().getResumePosition())).isEqualTo(mid);
            DecodedRecord seg = f.nextData();
            assertThat(seg.kind()).isEqualTo(KindCase.WAL_SEGMENT);
            WalSegment s = seg.record().getWalSegment();
            assertThat(pos(s, false)).isEqualTo(mid);
            assertThat(pos(s, true)).isEqualTo(end);
            assertThat(s.hasPrevious()).isFalse();
            assertThat(seg.payload()).isEqualTo(shadow(mid.generation(), mid.index(), mid.offset(), end.offset()));
        }
    }

    @Test
    void resumeCrossesIntoTheNextIndexAfterACheckpoint() throws Exception {
        start();
        Pos old = commit(20, 200);
        Pos oldEnd = commit(20, 200);
        db.checkpoint(CheckpointMode.PASSIVE);
        Pos restarted = db.position();
        assertThat(restarted.index()).isEqualTo(old.index() + 1);
        Pos now = commit(5, 200);
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", old)) {
            f.next();
            WalSegment rest = f.nextData().record().getWalSegment();
            assertThat(pos(rest, false)).isEqualTo(old);
            assertThat(pos(rest, true)).isEqualTo(oldEnd);

            DecodedRecord first = f.nextData();
            WalSegment s = first.record().getWalSegment();
            assertThat(pos(s, false)).isEqualTo(new Pos(now.generation(), now.index(), 0));
            assertThat(StreamPositions.fromProto(s.getPrevious())).isEqualTo(oldEnd);
            assertThat(pos(s, true)).isEqualTo(now);
            assertThat(first.payload()).isEqualTo(shadow(now.generation(), now.index(), 0, now.offset()));
        }
    }

    @Test
    void aPositionAtTheEndOfAnOldIndexContinuesWithTheNextOne() throws Exception {
        start();
        Pos oldEnd = commit(10, 200);
        db.checkpoint(CheckpointMode.PASSIVE);
        Pos now = commit(2, 200);
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", oldEnd)) {
            f.next();
            WalSegment s = f.nextData().record().getWalSegment();
            assertThat(StreamPositions.fromProto(s.getPrevious())).isEqualTo(oldEnd);
            assertThat(pos(s, false)).isEqualTo(new Pos(now.generation(), now.index(), 0));
            assertThat(pos(s, true)).isEqualTo(now);
        }
    }

    @Test
    void aForeignGenerationGetsAnAnnouncedSnapshot() throws Exception {
        start();
        Pos p = commit(5, 100);
        Pos foreign = new Pos("00000000000000ff", p.index(), p.offset());
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", foreign)) {
            assertThat(f.next().record().getHello().hasResumePosition()).isFalse();
            DecodedRecord r = f.nextData();
            assertThat(r.record().getResnapshot().getReason())
                    .isEqualTo(SnapshotReason.SNAPSHOT_REASON_GENERATION_MISMATCH);
            assertThat(r.record().getResnapshot().getDetail()).contains(p.generation());
            assertThat(f.nextData().kind()).isEqualTo(KindCase.SNAPSHOT_BEGIN);
        }
    }

    @Test
    void aPrunedIndexGetsAnAnnouncedSnapshot() throws Exception {
        start();
        Pos old = commit(5, 100);
        db.checkpoint(CheckpointMode.PASSIVE);
        commit(1, 100);
        db.retainShadowFrom(db.position().index());
        assertThat(db.shadowLength(old.generation(), old.index())).isEqualTo(-1);
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", old)) {
            f.next();
            assertThat(f.nextData().record().getResnapshot().getReason())
                    .isEqualTo(SnapshotReason.SNAPSHOT_REASON_POSITION_PRUNED);
        }
    }

    @Test
    void followersUnderWriteLoadAndCheckpointsGetAContiguousByteExactStream() throws Exception {
        start(StreamServerOptions.defaults().withLimits(StreamServerOptions.MIN_PAYLOAD_BYTES, 512 * 1024)
                .withTimers(Duration.ofMillis(50), Duration.ofSeconds(30)));
        commit(10, 500);
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<Integer> fromScratch = pool.submit(() -> follow(null, Integer.MAX_VALUE, done));
            for (int i = 0; i < 60; i++) {
                commit(1 + i % 7, 300 + 50 * (i % 5));
                if (i % 20 == 19) {
                    db.checkpoint(CheckpointMode.PASSIVE);
                }
            }
            Pos mid = db.position();
            Future<Integer> fromMid = pool.submit(() -> follow(mid, Integer.MAX_VALUE, done));
            Future<Integer> reconnecting = pool.submit(() -> follow(mid, 3, done));
            for (int i = 0; i < 60; i++) {
                commit(1 + i % 5, 2000);
                if (i % 25 == 24) {
                    db.checkpoint(CheckpointMode.PASSIVE);
                }
            }
            done.set(true);
            assertThat(fromScratch.get()).isPositive();
            assertThat(fromMid.get()).isPositive();
            assertThat(reconnecting.get()).isPositive();
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }

    /**
     * Follows from {@code from} like a follower would, checking continuity and every WAL byte against the primary's
     * shadow WAL, reconnecting at its own position every {@code segmentsPerConnection} segments, until the writer is
     * done and the primary's position is reached. Returns the segments checked.
     */
    private int follow(Pos from, int segmentsPerConnection, AtomicBoolean done)
            throws Exception {
        Pos at = from;
        Pos snapshotAt = null;
        int checked = 0;
        while (true) {
            try (TestFollower f = TestFollower.connect(server.port(), "app.db", at)) {
                int here = 0;
                for (DecodedRecord r; (r = f.next()) != null; ) {
                    switch (r.kind()) {
                        case HELLO -> {
                            if (r.record().getHello().hasResumePosition()) {
                                assertThat(StreamPositions.fromProto(r.record().getHello().getResumePosition()))
                                        .isEqualTo(at);
                            }
                        }
                        case SNAPSHOT_BEGIN -> snapshotAt = StreamPositions.fromProto(
                                r.record().getSnapshotBegin().getPosition());
                        case SNAPSHOT_END -> at = snapshotAt;
                        case WAL_SEGMENT -> {
                            WalSegment s = r.record().getWalSegment();
                            Pos start = pos(s, false);
                            Pos end = pos(s, true);
                            boolean continues = start.equals(at)
                                    || s.hasPrevious() && StreamPositions.fromProto(s.getPrevious()).equals(at);
                            assertThat(continues).as("segment %s..%s after %s", start, end, at).isTrue();
                            assertThat(r.payload()).isEqualTo(shadow(start.generation(), start.index(), start.offset(),
                                    end.offset()));
                            at = end;
                            checked++;
                            here++;
                        }
                        default -> { }
                    }
                    if (done.get() && at != null && at.equals(db.position())) {
                        return checked;
                    }
                    boolean partial = r.kind() == KindCase.WAL_SEGMENT && r.record().getWalSegment().getPartial();
                    if (here >= segmentsPerConnection && !partial) {
                        break;
                    }
                }
            }
        }
    }

    @Test
    void shadowWalsHeldForAStreamSurviveArchiveRetention() throws Exception {
        Object stream = new Object();
        Pos old = commit(5, 100);
        db.holdShadowFrom(stream, old.generation(), old.index());
        db.checkpoint(CheckpointMode.PASSIVE);
        Pos now = commit(1, 100);
        db.retainShadowFrom(now.index());
        assertThat(db.shadowLength(old.generation(), old.index())).isEqualTo(old.offset());

        db.holdShadowFrom(stream, now.generation(), now.index());
        db.retainShadowFrom(now.index());
        assertThat(db.shadowLength(old.generation(), old.index())).isEqualTo(-1);

        db.checkpoint(CheckpointMode.PASSIVE);
        commit(1, 100);
        db.releaseShadow(stream);
        db.retainShadowFrom(db.position().index());
        assertThat(db.shadowLength(now.generation(), now.index())).isEqualTo(-1);
    }

    @Test
    void positionsTheServerCannotHonourAreRefusedWithOneLine() throws Exception {
        start();
        Pos p = commit(3, 100);
        Pos txStart = db.position();
        Pos big = commit(40, 300);
        assertThat(big.offset() - txStart.offset()).isGreaterThan(4096 + 24);

        Pos ahead = new Pos(p.generation(), p.index(), big.offset() + 4120);
        Pos misaligned = new Pos(p.generation(), p.index(), p.offset() + 1);
        Pos insideTx = new Pos(p.generation(), p.index(), txStart.offset() + 4096 + 24);
        Map<String, String> cases = Map.of(
                "zzz", "invalid position 'zzz'",
                ahead.toString(), "is ahead of the primary's position " + big,
                misaligned.toString(), "is not on a WAL frame boundary",
                insideTx.toString(), "is inside a transaction");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            try (TestFollower f = TestFollower.get(server.port(), "/stream/app.db?pos=" + TestFollower.query(c.getKey()),
                    null)) {
                assertThat(f.status()).as(c.getKey()).isEqualTo(400);
                String body = f.body();
                assertThat(body).contains(c.getValue()).endsWith("\n");
                assertThat(body.strip()).doesNotContain("\n");
            }
        }
    }

    @Test
    void heartbeatsCarryThePrimaryPositionWhileIdle() throws Exception {
        start(StreamServerOptions.defaults().withTimers(Duration.ofMillis(100), Duration.ofSeconds(30)));
        Pos p = commit(2, 100);
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", p)) {
            assertThat(f.next().record().getHello().getHeartbeatIntervalMillis()).isEqualTo(100);
            for (int i = 0; i < 3; i++) {
                DecodedRecord hb = f.next();
                assertThat(hb.kind()).isEqualTo(KindCase.HEARTBEAT);
                assertThat(StreamPositions.fromProto(hb.record().getHeartbeat().getPrimaryPosition())).isEqualTo(p);
                assertThat(hb.record().getHeartbeat().getServerTimeMillis()).isPositive();
            }
        }
    }

    @Test
    void largeTransactionsAreSplitAtFramesAndMarkedPartial() throws Exception {
        start(StreamServerOptions.defaults().withLimits(StreamServerOptions.MIN_PAYLOAD_BYTES, 1 << 20));
        Pos from = commit(1, 10);
        Pos to = commit(400, 1000);
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", from)) {
            f.next();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            Pos at = from;
            int partial = 0;
            while (at.compareTo(to) < 0) {
                DecodedRecord r = f.nextData();
                WalSegment s = r.record().getWalSegment();
                assertThat(pos(s, false)).isEqualTo(at);
                assertThat(r.payload().length).isLessThanOrEqualTo(StreamServerOptions.MIN_PAYLOAD_BYTES);
                partial += s.getPartial() ? 1 : 0;
                got.write(r.payload());
                at = pos(s, true);
            }
            assertThat(partial).isGreaterThan(0);
            assertThat(at).isEqualTo(to);
            assertThat(got.toByteArray()).isEqualTo(shadow(to.generation(), to.index(), from.offset(), to.offset()));
        }
    }

    @Test
    void aStalledFollowerCostsABoundedQueueDoesNotHoldUpOthersAndIsDisconnected() throws Exception {
        int payload = StreamServerOptions.MIN_PAYLOAD_BYTES;
        int queue = 256 * 1024;
        start(StreamServerOptions.defaults().withLimits(payload, queue).withCompression(false)
                .withTimers(Duration.ofMillis(100), Duration.ofSeconds(3)));
        for (int i = 0; i < 16; i++) {
            commit(1000, 1000);
        }
        Pos p = db.position();
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = stalled.getOutputStream();
            out.write("GET /stream/app.db HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // never read: the socket buffers fill, then the server's queue for this follower reaches its limit
            await().until(() -> server.sessions().size() == 1 && server.sessions().get(0).queuedBytes() >= queue);
            FollowerSession slow = server.sessions().get(0);

            try (TestFollower other = TestFollower.connect(server.port(), "app.db", p)) {
                other.next();
                Pos live = commit(5, 100);
                WalSegment s = other.nextData().record().getWalSegment();
                assertThat(pos(s, false)).isEqualTo(p);
                assertThat(pos(s, true)).isEqualTo(live);
            }
            long bound = queue + payload + 8192;
            assertThat(slow.peakQueuedBytes()).isGreaterThanOrEqualTo(queue).isLessThanOrEqualTo(bound);
            await().until(() -> server.metrics().stalledDisconnects() == 1);
            assertThat(slow.peakQueuedBytes()).isLessThanOrEqualTo(bound);
            await().until(() -> server.sessions().isEmpty());
        }
    }

    @Test
    void aReplacedDatabaseIsAnnouncedAsANewGeneration() throws Exception {
        start(StreamServerOptions.defaults().withTimers(Duration.ofMillis(100), Duration.ofSeconds(30)));
        Pos p = commit(2, 100);
        Path otherPath = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + otherPath)) {
            exec(c, "PRAGMA journal_mode=wal");
            exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        }
        CapturedDatabase other = CapturedDatabase.open(DbConfig.of(otherPath, List.of()));
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", p)) {
            f.next();
            dbs.put("app.db", other);
            DecodedRecord r = f.nextData();
            assertThat(r.record().getResnapshot().getReason()).isEqualTo(SnapshotReason.SNAPSHOT_REASON_NEW_GENERATION);
            DecodedRecord begin = f.nextData();
            assertThat(StreamPositions.fromProto(begin.record().getSnapshotBegin().getPosition()).generation())
                    .isEqualTo(other.position().generation());
        } finally {
            dbs.put("other.db", other);
            dbs.put("app.db", db);
        }
    }

    @Test
    void authUnknownNamesAndEndpoints() throws Exception {
        start(StreamServerOptions.defaults().withToken("s3cret"));
        Pos p = commit(1, 10);
        try (TestFollower f = TestFollower.get(server.port(), "/healthz", null)) {
            assertThat(f.status()).isEqualTo(200);
            assertThat(f.body()).isEqualTo("ok\n");
        }
        for (String path : List.of("/stream/app.db", "/pos/app.db", "/metrics", "/nothing")) {
            try (TestFollower f = TestFollower.get(server.port(), path, null)) {
                assertThat(f.status()).as(path).isEqualTo(401);
                assertThat(f.header("www-authenticate")).startsWith("Bearer");
            }
            try (TestFollower f = TestFollower.get(server.port(), path, "wrong")) {
                assertThat(f.status()).as(path).isEqualTo(401);
            }
        }
        try (TestFollower f = TestFollower.get(server.port(), "/pos/app.db", "s3cret")) {
            assertThat(f.status()).isEqualTo(200);
            assertThat(f.body()).isEqualTo(p + "\n");
        }
        try (TestFollower f = TestFollower.get(server.port(), "/stream/nope.db", "s3cret")) {
            assertThat(f.status()).isEqualTo(404);
            assertThat(f.body()).isEqualTo("no database named 'nope.db' on this primary\n");
        }
        try (TestFollower f = TestFollower.get(server.port(), "/pos/nope.db", "s3cret")) {
            assertThat(f.status()).isEqualTo(404);
        }
        try (TestFollower f = TestFollower.get(server.port(), "/nothing", "s3cret")) {
            assertThat(f.status()).isEqualTo(404);
            assertThat(f.body()).startsWith("no such endpoint /nothing");
        }
        try (TestFollower f = TestFollower.get(server.port(), "/metrics", "s3cret")) {
            assertThat(f.status()).isEqualTo(200);
            assertThat(f.body()).contains("walship_stream_followers ")
                    .contains("walship_stream_snapshots_total{reason=\"no_position\"} 0.0");
        }
        try (TestFollower f = TestFollower.get(server.port(), "/stream/app.db?pos=" + p, "s3cret")) {
            assertThat(f.status()).isEqualTo(200);
            assertThat(f.next().kind()).isEqualTo(KindCase.HELLO);
        }
    }

    @Test
    void eachFollowerHasPositionAndLagSeriesUntilItDisconnects() throws Exception {
        start();
        Pos resume = commit(1, 10);
        String series = "{db=\"" + db.path() + "\",follower=\"127.0.0.1:";
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", resume)) {
            assertThat(f.next().kind()).isEqualTo(KindCase.HELLO);
            Pos now = commit(20, 500);
            DecodedRecord r;
            do {
                r = f.nextData();
            } while (!pos(r.record().getWalSegment(), true).equals(now));
            await().untilAsserted(() -> assertThat(metrics()).contains(
                    "walship_stream_follower_position_offset" + series)
                    .containsPattern("walship_stream_follower_position_offset\\{[^}]*} " + now.offset() + ".0\n")
                    .containsPattern("walship_stream_follower_position_index\\{[^}]*} " + now.index() + ".0\n")
                    .containsPattern("walship_stream_follower_lag_bytes\\{[^}]*} 0.0\n")
                    .containsPattern("walship_stream_follower_lag_seconds\\{[^}]*} 0.0\n")
                    .contains("walship_stream_followers 1.0\n"));
            assertThat(metrics()).containsPattern("walship_stream_sent_records_total [1-9][0-9]*\\.0\n");
        }
        await().untilAsserted(() -> assertThat(metrics()).doesNotContain("walship_stream_follower_position")
                .doesNotContain("walship_stream_follower_lag").contains("walship_stream_followers 0.0\n"));
    }

    private String metrics() throws Exception {
        try (TestFollower f = TestFollower.get(server.port(), "/metrics", null)) {
            assertThat(f.status()).isEqualTo(200);
            return f.body();
        }
    }

    @Test
    void shutdownEndsEveryStreamWithAnEndRecord() throws Exception {
        start();
        Pos p = commit(1, 10);
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", p)) {
            f.next();
            await().until(() -> server.metrics().followers() == 1);
            server.close();
            server = null;
            DecodedRecord end = f.nextData();
            assertThat(end.record().getEnd().getCode()).isEqualTo(EndCode.END_CODE_SHUTDOWN);
            assertThat(f.next()).isNull();
        }
    }

    @Test
    void nioTransportServesTheSameStream() throws Exception {
        start(StreamServerOptions.defaults().withNativeTransport(false));
        assertThat(server.transportName()).isEqualTo("nio");
        Pos p = commit(2, 10);
        try (TestFollower f = TestFollower.connect(server.port(), "app.db", null)) {
            f.next();
            DecodedRecord r;
            while ((r = f.nextData()).kind() != KindCase.SNAPSHOT_END) {
                assertThat(r.kind()).isIn(KindCase.RESNAPSHOT, KindCase.SNAPSHOT_BEGIN, KindCase.SNAPSHOT_CHUNK);
            }
            assertThat(StreamPositions.fromProto(r.record().getSnapshotEnd().getConsistentPosition())).isEqualTo(p);
        }
    }
}

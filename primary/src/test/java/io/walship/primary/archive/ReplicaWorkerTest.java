package io.walship.primary.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.capture.CheckpointMode;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.FileReplicaClient;
import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import io.walship.protocol.Lz4FrameReader;
import io.walship.protocol.Pos;
import io.walship.protocol.WalFrameScanner;
import io.walship.protocol.WalHeader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import java.util.Arrays;
import io.walship.protocol.Lz4FrameWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaWorkerTest {
    @TempDir
    Path dir;
    Connection app;
    CapturedDatabase db;
    FileReplicaClient client;
    ReplicaWorker worker;

    @BeforeEach
    void setUp() throws Exception {
        Path dbPath = dir.resolve("app.db");
        app = DriverManager.getConnection("jdbc:sqlite:" + dbPath);
        exec("PRAGMA journal_mode=wal");
        exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        db = CapturedDatabase.open(DbConfig.of(dbPath, List.of()));
        client = new FileReplicaClient(dir.resolve("replica"));
        worker = new ReplicaWorker(db, client, lease(), ReplicaConfig.ofUrl("file://" + dir.resolve("replica")), "file");
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
        app.close();
    }

    /** A claim by a daemon of its own, as a restart of walship makes. */
    private ReplicaLease lease() throws Exception {
        return ReplicaLease.acquire(client, DaemonIdentity.current(), db.path(), Duration.ofSeconds(1));
    }

    private void exec(String sql) throws Exception {
        try (Statement st = app.createStatement()) {
            st.execute(sql);
        }
    }

    private void insert(int rows, int blobSize) throws Exception {
        exec("BEGIN");
        for (int i = 0; i < rows; i++) {
            exec("INSERT INTO t (v) VALUES (randomblob(" + blobSize + "))");
        }
        exec("COMMIT");
    }

    /** Per index, the concatenation of its decompressed segments, checking each starts where the last ended. */
    private Map<Long, byte[]> walByIndex(String gen) throws Exception {
        Map<Long, ByteArrayOutputStream> out = new TreeMap<>();
        for (WalSegmentInfo s : client.walSegments(gen)) {
            ByteArrayOutputStream buf = out.computeIfAbsent(s.index(), k -> new ByteArrayOutputStream());
            assertThat(s.offset()).as("contiguous segment %s", s).isEqualTo(buf.size());
            try (InputStream in = new Lz4FrameReader(client.openWalSegment(gen, s.index(), s.offset()), "seg")) {
                in.transferTo(buf);
            }
        }
        Map<Long, byte[]> result = new TreeMap<>();
        out.forEach((k, v) -> result.put(k, v.toByteArray()));
        return result;
    }

    @Test
    void snapshotFirstThenContiguousSegmentsEndingOnCommits() throws Exception {
        worker.sync();
        insert(20, 500);
        db.sync();
        worker.sync();
        insert(5, 100);
        db.checkpoint(CheckpointMode.PASSIVE);
        insert(5, 100);
        db.sync();
        worker.sync();
        Pos p = db.position();
        assertThat(worker.position()).isEqualTo(p);
        List<SnapshotInfo> snaps = client.snapshots(p.generation());
        assertThat(snaps).extracting(SnapshotInfo::index).containsExactly(0L);
        try (InputStream in = new Lz4FrameReader(client.openSnapshot(p.generation(), 0), "snap")) {
            byte[] snap = in.readAllBytes();
            assertThat(new String(snap, 0, 15)).isEqualTo("SQLite format 3");
            assertThat(snap[18]).isEqualTo((byte) 2);
            assertThat(snap[19]).isEqualTo((byte) 2);
        }
        Map<Long, byte[]> wal = walByIndex(p.generation());
        assertThat(wal.keySet()).containsExactly(0L, 1L);
        for (Map.Entry<Long, byte[]> e : wal.entrySet()) {
            byte[] w = e.getValue();
            WalHeader h = WalHeader.parse(w);
            WalFrameScanner.Result r = new WalFrameScanner(h).scan(w, 32, w.length - 32, h.checksum());
            assertThat(r.committedBytes()).as("index %d is whole committed transactions", e.getKey()).isEqualTo(w.length - 32);
        }
        assertThat(wal.get(1L).length).isEqualTo(p.offset());
    }

    @Test
    void largeBacklogIsCutIntoSegmentsAtCommits() throws Exception {
        worker.sync();
        for (int i = 0; i < 12; i++) {
            insert(400, 4000); // ~2 MB per transaction, 12 transactions > one 16 MiB segment
        }
        db.sync();
        worker.sync();
        List<WalSegmentInfo> segs = client.walSegments(db.position().generation());
        assertThat(segs.size()).isGreaterThan(1);
        assertThat(segs.stream().filter(s -> s.index() == 0).count()).isGreaterThan(1);
        byte[] index0 = walByIndex(db.position().generation()).get(0L);
        assertThat(index0.length).isGreaterThan(ReplicaWorker.MAX_SEGMENT_BYTES);
        assertThat(ReplicaWorker.lastCommitEnd(index0, 0, db.pageSize() + 24)).isEqualTo(index0.length);
    }

    @Test
    void aReplicaAheadOfTheShadowWalMakesANewGenerationInsteadOfOverlappingSegments() throws Exception {
        worker.sync();
        insert(10, 100);
        db.sync();
        worker.sync();
        Pos synced = worker.position();
        String old = synced.generation();
        // What a power failure leaves: the replica has a segment past the end of the shadow WAL that survived.
        byte[] lost = Arrays.copyOfRange(Files.readAllBytes(dir.resolve("app.db-wal")), 32, 32 + 2 * (24 + db.pageSize()));
        client.writeWalSegment(old, synced.index(), synced.offset(), Lz4FrameWriter.compress(lost));
        List<WalSegmentInfo> oldSegments = client.walSegments(old);

        ReplicaWorker again = new ReplicaWorker(db, client, lease(), worker.config(), "file");
        again.sync();
        insert(3, 100);
        db.sync();
        again.sync();

        Pos now = db.position();
        assertThat(now.generation()).isNotEqualTo(old);
        assertThat(again.position()).isEqualTo(now);
        assertThat(client.snapshots(now.generation())).isNotEmpty();
        assertThat(client.walSegments(old)).as("the old generation is left as it was").isEqualTo(oldSegments);
        walByIndex(now.generation());
    }

    @Test
    void restartRecomputesPositionFromTheReplica() throws Exception {
        worker.sync();
        insert(10, 100);
        db.sync();
        worker.sync();
        Pos before = worker.position();
        ReplicaWorker again = new ReplicaWorker(db, client, lease(), worker.config(), "file");
        insert(3, 100);
        db.sync();
        again.sync();
        assertThat(again.position()).isEqualTo(db.position());
        assertThat(client.snapshots(before.generation())).hasSize(1);
        assertThat(walByIndex(before.generation()).get(0L).length).isEqualTo(db.position().offset());
    }

    @Test
    void retentionKeepsWhatTheNewestSnapshotsNeed() throws Exception {
        worker.sync();
        insert(10, 100);
        db.checkpoint(CheckpointMode.PASSIVE);
        insert(10, 100);
        db.sync();
        worker.sync();
        String gen = db.position().generation();
        // An old generation whose only snapshot is two days old.
        client.writeSnapshot("00000000000000aa", 0, out -> out.write(new byte[] {1}));
        Path oldSnap = dir.resolve("replica/generations/00000000000000aa/snapshots/00000000.snapshot.lz4");
        Files.setLastModifiedTime(oldSnap, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        // Make the current snapshot (index 0) old, so retention snapshots index 1 and drops index 0.
        Path snap0 = dir.resolve("replica/generations/" + gen + "/snapshots/00000000.snapshot.lz4");
        Files.setLastModifiedTime(snap0, FileTime.from(Instant.now().minus(Duration.ofDays(2))));

        worker.enforceRetention(Duration.ofDays(1));

        assertThat(client.generations()).containsExactly(gen);
        assertThat(client.snapshots(gen)).extracting(SnapshotInfo::index).containsExactly(1L);
        assertThat(client.walSegments(gen)).extracting(WalSegmentInfo::index).containsOnly(1L);
        assertThat(client.walSegments(gen).get(0).offset()).isZero();
    }
}

package io.walship.primary.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.primary.replica.FileReplicaClient;
import io.walship.protocol.Lz4FrameReader;
import io.walship.protocol.Lz4FrameWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Restorer against replicas built in-process (no Litestream binary needed), including damaged ones. */
class RestorerTest {
    @TempDir
    Path work;
    Path outDir;
    Path out;

    @BeforeEach
    void setUp() throws IOException {
        outDir = Files.createDirectories(work.resolve("out"));
        out = outDir.resolve("restored.db");
    }

    private RestoreResult restore(SyntheticReplica r, RestoreCriteria criteria, int parallelism) throws IOException {
        try (FileReplicaClient client = new FileReplicaClient(r.replicaDir)) {
            RestoreTarget target = RestorePlanner.plan(List.of(ReplicaListing.load("file", client, null)), criteria);
            return new Restorer(parallelism, new LogRestoreProgress()).restore(client, target, out);
        }
    }

    private List<String> outDirFiles() throws IOException {
        try (Stream<Path> s = Files.list(outDir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 4096, 65536})
    void restoresSnapshotAndEveryIndex(int pageSize) throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, pageSize);
        RestoreResult res = restore(r, RestoreCriteria.LATEST, Restorer.DEFAULT_PARALLELISM);
        assertThat(outDirFiles()).containsExactly("restored.db");
        assertThat(res.target().walIndexes().keySet()).containsExactly(0L, 1L);
        assertThat(res.databaseBytes()).isEqualTo(Files.size(out));
        assertThat(res.downloadedBytes()).isEqualTo(res.target().compressedSize());
        assertThat(DbFingerprint.of(out, true)).isEqualTo(r.expected);
    }

    @Test
    void indexLimitStopsAfterThatIndexWithOneWorker() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        restore(r, RestoreCriteria.LATEST.withIndex(0), 1);
        assertThat(DbFingerprint.of(out, true)).isEqualTo(r.expectedAtIndex0);
    }

    @Test
    void snapshotOnlyRestore() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        try (Stream<Path> s = Files.list(r.replicaDir.resolve("generations/" + SyntheticReplica.GENERATION + "/wal"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        RestoreResult res = restore(r, RestoreCriteria.LATEST, 2);
        assertThat(res.target().walIndexes()).isEmpty();
        assertThat(outDirFiles()).containsExactly("restored.db");
        assertThat(DbFingerprint.of(out, true).get("t")).contains("rows=20 ");
    }

    @Test
    void refusesAnExistingOutputAndLeavesItAlone() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        Files.writeString(out, "precious");
        assertThatThrownBy(() -> restore(r, RestoreCriteria.LATEST, 8))
                .isInstanceOf(RestoreException.class)
                .hasMessage("cannot restore, output path already exists: " + out);
        assertThat(Files.readString(out)).isEqualTo("precious");
        assertThat(outDirFiles()).containsExactly("restored.db");
    }

    @Test
    void staleTemporaryFilesOfACrashedRestoreAreReplaced() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        Files.writeString(outDir.resolve("restored.db.tmp"), "junk");
        Files.writeString(outDir.resolve("restored.db.tmp-wal"), "junk wal");
        Files.writeString(outDir.resolve("restored.db.tmp-shm"), "junk shm");
        restore(r, RestoreCriteria.LATEST, 8);
        assertThat(outDirFiles()).containsExactly("restored.db");
        assertThat(DbFingerprint.of(out, true)).isEqualTo(r.expected);
    }

    /** Every damaged-replica case: one line naming the problem, nothing at the output, no temporary files. */
    private void assertFailsCleanly(SyntheticReplica r, String... fragments) {
        assertThatThrownBy(() -> restore(r, RestoreCriteria.LATEST, 8))
                .isInstanceOf(RestoreException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n");
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
        assertThat(out).doesNotExist();
        try {
            assertThat(outDirFiles()).isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void truncatedSegment() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        Path seg = r.objectPath(r.segments.get(1).path());
        byte[] b = Files.readAllBytes(seg);
        Files.write(seg, Arrays.copyOf(b, b.length / 2));
        assertFailsCleanly(r, r.segments.get(1).path(), "truncated LZ4 frame");
    }

    @Test
    void corruptedByteInsideASegment() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        Path seg = r.objectPath(r.segments.get(2).path());
        byte[] b = Files.readAllBytes(seg);
        b[b.length / 2] ^= 0x55;
        Files.write(seg, b);
        assertFailsCleanly(r, r.segments.get(2).path());
    }

    @Test
    void corruptedWalBytesInAValidLz4FrameBreakTheChain() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        SyntheticReplica.Segment s = r.segments.get(1);
        byte[] data = s.data().clone();
        data[24 + 4096 + 24 + 100] ^= 1; // page data of the second frame
        Files.write(r.objectPath(s.path()), Lz4FrameWriter.compress(data));
        long at = s.offset() + 4120;
        assertFailsCleanly(r, "corrupt WAL: generation=" + SyntheticReplica.GENERATION + " index=00000000 offset=" + at,
                s.path(), "checksum mismatch");
    }

    @Test
    void missingCommitAtTheEndOfAnIndexIsCorruption() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        SyntheticReplica.Segment s = r.segments.get(r.segments.size() - 1);
        byte[] data = Arrays.copyOf(s.data(), s.data().length - 4120);
        Files.write(r.objectPath(s.path()), Lz4FrameWriter.compress(data));
        assertFailsCleanly(r, "index=00000001", s.path(), "after the last commit frame");
    }

    @Test
    void missingOffsetZeroSegment() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        Files.delete(r.objectPath(r.segments.get(3).path()));
        assertFailsCleanly(r, "missing initial wal segment: generation=" + SyntheticReplica.GENERATION + " index=00000001 offset="
                + r.segments.get(4).offset());
    }

    @Test
    void gapBetweenSegments() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        Files.delete(r.objectPath(r.segments.get(1).path()));
        assertFailsCleanly(r, "wal segment gap: generation=" + SyntheticReplica.GENERATION + " index=00000000",
                r.segments.get(2).path(), "starts at offset " + r.segments.get(2).offset(),
                "end at " + r.segments.get(1).offset());
    }

    @Test
    void offsetZeroSegmentWithoutAWalHeader() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        Files.write(r.objectPath(r.segments.get(3).path()), Lz4FrameWriter.compress(new byte[64]));
        assertFailsCleanly(r, r.segments.get(3).path(), "does not start with a valid WAL header");
    }

    @Test
    void corruptedSnapshot() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        byte[] b = Files.readAllBytes(r.snapshotPath());
        b[b.length / 2] ^= 0x55;
        Files.write(r.snapshotPath(), b);
        assertFailsCleanly(r, "generations/" + SyntheticReplica.GENERATION + "/snapshots/00000000.snapshot.lz4");
    }

    @Test
    void snapshotThatIsNotADatabase() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        byte[] db = Lz4FrameReader.decompress(Files.readAllBytes(r.snapshotPath()), "snapshot");
        db[0] = 'X';
        Files.write(r.snapshotPath(), Lz4FrameWriter.compress(db));
        assertFailsCleanly(r, "00000000.snapshot.lz4", "not a SQLite database");
    }

    @Test
    void trailingBytesAfterTheFrameAreCorruption() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        Path seg = r.objectPath(r.segments.get(0).path());
        byte[] b = Files.readAllBytes(seg);
        Files.write(seg, concat(b, b));
        assertFailsCleanly(r, r.segments.get(0).path(), "trailing bytes");
    }

    /** A second database made by the same workload: SQLite would apply its index over the snapshot without a word. */
    @Test
    void anIndexOfAnotherDatabaseIsRefusedThoughSqliteWouldApplyIt() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        SyntheticReplica other = SyntheticReplica.build(Files.createDirectories(work.resolve("other")), 4096);
        for (SyntheticReplica.Segment s : other.segments) {
            if (s.index() == 1) {
                Files.copy(other.objectPath(s.path()), r.objectPath(s.path()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        assertFailsCleanly(r, "broken WAL continuity: generation=" + SyntheticReplica.GENERATION
                + " index=00000001 does not restart index 00000000", "-index 0");
    }

    /** Listed, then deleted before its download (retention of another daemon, a lifecycle rule, an operator). */
    @Test
    void anObjectMissingAtDownloadTime() throws Exception {
        SyntheticReplica r = SyntheticReplica.build(work, 4096);
        try (FileReplicaClient client = new FileReplicaClient(r.replicaDir)) {
            RestoreTarget target = RestorePlanner.plan(List.of(ReplicaListing.load("file", client, null)),
                    RestoreCriteria.LATEST);
            Files.delete(r.objectPath(r.segments.get(2).path()));
            assertThatThrownBy(() -> new Restorer(8, new LogRestoreProgress()).restore(client, target, out))
                    .isInstanceOf(RestoreException.class)
                    .hasMessage("file://" + r.replicaDir + ": object not found: " + r.segments.get(2).path());
        }
        assertThat(out).doesNotExist();
        assertThat(outDirFiles()).isEmpty();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

package io.walship.primary.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link ReplicaClient} must share, run once per implementation by a subclass. Object bytes
 * are opaque here (no LZ4), so the tests check storage, naming and listing only.
 */
abstract class ReplicaClientContract {
    static final String GEN_A = "0123456789abcdef";
    static final String GEN_B = "fedcba9876543210";

    ReplicaClient client;

    /** A client on a fresh, empty replica. */
    abstract ReplicaClient open() throws Exception;

    /** Stores bytes under a path relative to the replica root, bypassing the client (foreign or junk objects). */
    abstract void putRaw(String path, byte[] bytes) throws Exception;

    @BeforeEach
    void openClient() throws Exception {
        client = open();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    static byte[] bytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void smallObjectsBesideTheGenerationsAreCreatedOnceReplacedAndDeleted() throws Exception {
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);
        byte[] second = "second".getBytes(StandardCharsets.UTF_8);
        assertThat(client.readObject("walship-owner")).isNull();
        assertThat(client.createObject("walship-owner", first)).isTrue();
        assertThat(client.createObject("walship-owner", second)).as("exists already").isFalse();
        assertThat(client.readObject("walship-owner")).isEqualTo(first);
        client.writeObject("walship-owner", second);
        assertThat(client.readObject("walship-owner")).isEqualTo(second);
        assertThat(client.generations()).as("not a generation").isEmpty();
        client.deleteObject("walship-owner");
        client.deleteObject("walship-owner");
        assertThat(client.readObject("walship-owner")).isNull();
    }

    @Test
    void emptyReplicaListsNothing() throws Exception {
        assertThat(client.generations()).isEmpty();
        assertThat(client.snapshots(GEN_A)).isEmpty();
        assertThat(client.walSegments(GEN_A)).isEmpty();
    }

    @Test
    void writesListsAndReadsBackSnapshotsAndSegments() throws Exception {
        byte[] snapshot = bytes(70_000, 1);
        byte[] segment0 = bytes(4_152, 2);
        byte[] segment1 = bytes(123, 3);
        Instant before = Instant.now().minus(Duration.ofMinutes(5));

        client.writeSnapshot(GEN_A, 0, out -> out.write(snapshot));
        client.writeWalSegment(GEN_A, 0, 0, segment0);
        client.writeWalSegment(GEN_A, 0, 0x1038, segment1);

        assertThat(client.generations()).containsExactly(GEN_A);
        List<SnapshotInfo> snapshots = client.snapshots(GEN_A);
        assertThat(snapshots).extracting(SnapshotInfo::generation, SnapshotInfo::index, SnapshotInfo::size)
                .containsExactly(tuple(GEN_A, 0L, 70_000L));
        assertThat(snapshots.get(0).createdAt()).isAfter(before);
        List<WalSegmentInfo> segments = client.walSegments(GEN_A);
        assertThat(segments).extracting(WalSegmentInfo::index, WalSegmentInfo::offset, WalSegmentInfo::size)
                .containsExactly(tuple(0L, 0L, 4_152L),
                        tuple(0L, 0x1038L, 123L));
        assertThat(segments).allSatisfy(s -> assertThat(s.createdAt()).isAfter(before));

        assertThat(readAll(client.openSnapshot(GEN_A, 0))).isEqualTo(snapshot);
        assertThat(readAll(client.openWalSegment(GEN_A, 0, 0))).isEqualTo(segment0);
        assertThat(readAll(client.openWalSegment(GEN_A, 0, 0x1038))).isEqualTo(segment1);
    }

    @Test
    void snapshotBodyMayBeWrittenPieceByPieceAndClosedByTheBody() throws Exception {
        byte[] snapshot = bytes(300_001, 4);
        client.writeSnapshot(GEN_A, 7, out -> {
            try (out) {
                out.write(snapshot[0]);
                out.write(snapshot, 1, 99_999);
                out.write(snapshot, 100_000, snapshot.length - 100_000);
            }
        });
        client.writeSnapshot(GEN_A, 8, out -> { });

        assertThat(readAll(client.openSnapshot(GEN_A, 7))).isEqualTo(snapshot);
        assertThat(readAll(client.openSnapshot(GEN_A, 8))).isEmpty();
        assertThat(client.snapshots(GEN_A)).extracting(SnapshotInfo::size).containsExactly(300_001L, 0L);
    }

    @Test
    void listsSegmentsFromAPosition() throws Exception {
        for (long[] io : new long[][] {{0, 0}, {0, 0x1038}, {1, 0}, {1, 0xf}, {1, 0x10}, {0x10, 0}, {0x10, 0x20}}) {
            client.writeWalSegment(GEN_A, io[0], io[1], bytes(5, io[1]));
        }
        client.writeWalSegment(GEN_B, 1, 0x10, bytes(5, 9));

        assertThat(client.walSegmentsFrom(GEN_A, 1, 0x10)).extracting(WalSegmentInfo::index, WalSegmentInfo::offset)
                .containsExactly(tuple(1L, 0x10L), tuple(0x10L, 0L), tuple(0x10L, 0x20L));
        assertThat(client.walSegmentsFrom(GEN_A, 1, 0x10)).allSatisfy(s -> assertThat(s.generation()).isEqualTo(GEN_A));
        assertThat(client.walSegmentsFrom(GEN_A, 1, 0x11)).extracting(WalSegmentInfo::index)
                .containsExactly(0x10L, 0x10L);
        assertThat(client.walSegmentsFrom(GEN_A, 0, 0)).hasSize(7);
        assertThat(client.walSegmentsFrom(GEN_A, 0x10, 0x21)).isEmpty();
        assertThat(client.walSegmentsFrom(GEN_B, 0, 0)).extracting(WalSegmentInfo::offset).containsExactly(0x10L);
    }

    @Test
    void overwritingAnObjectReplacesIt() throws Exception {
        client.writeWalSegment(GEN_A, 1, 0, bytes(10, 5));
        byte[] replacement = bytes(20, 6);
        client.writeWalSegment(GEN_A, 1, 0, replacement);

        assertThat(readAll(client.openWalSegment(GEN_A, 1, 0))).isEqualTo(replacement);
        assertThat(client.walSegments(GEN_A)).hasSize(1);
    }

    @Test
    void listingsAreSortedNumerically() throws Exception {
        // Written out of order; 0x10 > 0x2 although "10" < "2" as decimal strings.
        for (long index : new long[] {0x10, 0x2, 0xff, 0x0, 0x1}) {
            client.writeSnapshot(GEN_B, index, out -> out.write(1));
        }
        long[][] positions = {{0x2, 0x1038}, {0x1, 0x0}, {0x10, 0x0}, {0x2, 0x0}, {0x1, 0xa110}, {0x1, 0x1038}};
        for (long[] p : positions) {
            client.writeWalSegment(GEN_B, p[0], p[1], new byte[] {2});
        }
        client.writeWalSegment(GEN_A, 0, 0, new byte[] {3});

        assertThat(client.generations()).containsExactly(GEN_A, GEN_B);
        assertThat(client.snapshots(GEN_B)).extracting(SnapshotInfo::index).containsExactly(0x0L, 0x1L, 0x2L, 0x10L, 0xffL);
        assertThat(client.walSegments(GEN_B)).extracting(s -> s.index() + ":" + s.offset())
                .containsExactly("1:0", "1:4152", "1:41232", "2:0", "2:4152", "16:0");
    }

    @Test
    void listingsIgnoreNamesThatAreNotReplicaObjects() throws Exception {
        byte[] junk = "junk".getBytes(StandardCharsets.UTF_8);
        client.writeSnapshot(GEN_A, 1, out -> out.write(1));
        client.writeWalSegment(GEN_A, 1, 0, new byte[] {1});
        putRaw("generations/not-a-generation/snapshots/00000001.snapshot.lz4", junk);
        putRaw("generations/0123456789ABCDEF/snapshots/00000001.snapshot.lz4", junk);
        putRaw("generations/0123456789abcde/snapshots/00000001.snapshot.lz4", junk);
        putRaw("generations/README", junk);
        putRaw("generations/" + GEN_A + "/snapshots/00000002.snapshot", junk);
        putRaw("generations/" + GEN_A + "/snapshots/2.snapshot.lz4", junk);
        putRaw("generations/" + GEN_A + "/snapshots/00000003.snapshot.lz4.tmp", junk);
        putRaw("generations/" + GEN_A + "/wal/00000002.wal.lz4", junk);
        putRaw("generations/" + GEN_A + "/wal/00000002_0000000g.wal.lz4", junk);
        putRaw("generations/" + GEN_A + "/wal/nested/00000002_00000000.wal.lz4", junk);

        assertThat(client.generations()).containsExactly(GEN_A);
        assertThat(client.snapshots(GEN_A)).extracting(SnapshotInfo::index).containsExactly(1L);
        assertThat(client.walSegments(GEN_A)).extracting(WalSegmentInfo::index, WalSegmentInfo::offset)
                .containsExactly(tuple(1L, 0L));
    }

    @Test
    void readsOfMissingObjectsFailAsNotFound() throws Exception {
        client.writeSnapshot(GEN_A, 1, out -> out.write(1));

        assertThatThrownBy(() -> client.openSnapshot(GEN_A, 2)).isInstanceOf(ReplicaObjectNotFoundException.class)
                .hasMessageContaining(client.describe()).hasMessageContaining("00000002.snapshot.lz4");
        assertThatThrownBy(() -> client.openWalSegment(GEN_A, 1, 0)).isInstanceOf(ReplicaObjectNotFoundException.class)
                .hasMessageContaining("00000001_00000000.wal.lz4");
        assertThatThrownBy(() -> client.openSnapshot(GEN_B, 0)).isInstanceOf(ReplicaObjectNotFoundException.class);
    }

    @Test
    void deletesRemoveOnlyTheNamedObjects() throws Exception {
        for (long index = 0; index < 3; index++) {
            client.writeSnapshot(GEN_A, index, out -> out.write(1));
            client.writeWalSegment(GEN_A, index, 0, new byte[] {1});
            client.writeWalSegment(GEN_A, index, 0x1038, new byte[] {2});
        }
        client.writeSnapshot(GEN_B, 0, out -> out.write(1));

        client.deleteSnapshot(GEN_A, 0);
        client.deleteSnapshot(GEN_A, 9); // absent: not an error
        List<WalSegmentInfo> index0 = client.walSegments(GEN_A).subList(0, 2);
        client.deleteWalSegments(GEN_A, List.of(index0.get(1), index0.get(0)));
        client.deleteWalSegments(GEN_A, List.of());

        assertThat(client.snapshots(GEN_A)).extracting(SnapshotInfo::index).containsExactly(1L, 2L);
        assertThat(client.walSegments(GEN_A)).extracting(s -> s.index() + ":" + s.offset())
                .containsExactly("1:0", "1:4152", "2:0", "2:4152");

        client.deleteGeneration(GEN_A);
        client.deleteGeneration("0000000000000001"); // absent: not an error

        assertThat(client.generations()).containsExactly(GEN_B);
        assertThat(client.snapshots(GEN_A)).isEmpty();
        assertThat(client.walSegments(GEN_A)).isEmpty();
        assertThat(client.snapshots(GEN_B)).hasSize(1);
    }
}

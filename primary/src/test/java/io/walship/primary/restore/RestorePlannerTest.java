package io.walship.primary.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestorePlannerTest {
    private static final String G1 = "1111111111111111";
    private static final String G2 = "2222222222222222";
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    private static Instant t(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private static SnapshotInfo snap(String g, long index, int at) {
        return new SnapshotInfo(g, index, 100, t(at));
    }

    private static WalSegmentInfo seg(String g, long index, long offset, int at) {
        return new WalSegmentInfo(g, index, offset, 10, t(at));
    }

    /** Generation builder: snapshots and segments in listing order. */
    private static final class Gen {
        final String id;
        final List<SnapshotInfo> snapshots = new ArrayList<>();
        final List<WalSegmentInfo> segments = new ArrayList<>();

        Gen(String id) {
            this.id = id;
        }

        Gen snapshot(long index, int at) {
            snapshots.add(snap(id, index, at));
            return this;
        }

        Gen segment(long index, long offset, int at) {
            segments.add(seg(id, index, offset, at));
            return this;
        }

        GenerationListing build() {
            return new GenerationListing(id, snapshots, segments);
        }
    }

    private static List<ReplicaListing> replica(Gen... gens) {
        List<GenerationListing> out = new ArrayList<>();
        for (Gen g : gens) {
            out.add(g.build());
        }
        return List.of(new ReplicaListing("file", out));
    }

    /** A generation with snapshot 0 at t=0 and indexes 0..2, two segments each, 10 s apart from t=1. */
    private static Gen standard(String id, int start) {
        Gen g = new Gen(id).snapshot(0, start);
        int at = start + 1;
        for (long i = 0; i <= 2; i++) {
            g.segment(i, 0, at).segment(i, 4152, at + 5);
            at += 10;
        }
        return g;
    }

    @Test
    void latestUpdatedGenerationWinsAndAllIndexesFromTheSnapshotAreUsed() throws Exception {
        RestoreTarget t = RestorePlanner.plan(replica(standard(G1, 100), standard(G2, 0)), RestoreCriteria.LATEST);
        assertThat(t.generation()).isEqualTo(G1);
        assertThat(t.updatedAt()).isEqualTo(t(126));
        assertThat(t.snapshot().index()).isZero();
        assertThat(t.walIndexes().keySet()).containsExactly(0L, 1L, 2L);
        assertThat(t.walIndexes().get(1L)).extracting(WalSegmentInfo::offset).containsExactly(0L, 4152L);
        assertThat(t.compressedSize()).isEqualTo(100 + 6 * 10);
    }

    @Test
    void tieOnUpdatedAtKeepsTheFirstListedGeneration() throws Exception {
        RestoreTarget t = RestorePlanner.plan(replica(standard(G1, 0), standard(G2, 0)), RestoreCriteria.LATEST);
        assertThat(t.generation()).isEqualTo(G1);
    }

    @Test
    void emptyGenerationsAreSkipped() throws Exception {
        RestoreTarget t = RestorePlanner.plan(replica(standard(G1, 0), new Gen(G2)), RestoreCriteria.LATEST);
        assertThat(t.generation()).isEqualTo(G1);
        assertThatThrownBy(() -> RestorePlanner.plan(replica(new Gen(G2)), RestoreCriteria.LATEST))
                .isInstanceOf(NoMatchingBackupsException.class).hasMessage("no matching backups found");
    }

    @Test
    void noGenerationsAtAllIsNoMatchingBackups() {
        assertThatThrownBy(() -> RestorePlanner.plan(replica(), RestoreCriteria.LATEST))
                .isInstanceOf(NoMatchingBackupsException.class).hasMessage("no matching backups found");
    }

    @Test
    void generationFlagSelectsAnOlderGeneration() throws Exception {
        RestoreTarget t = RestorePlanner.plan(replica(standard(G1, 100), standard(G2, 0)),
                RestoreCriteria.LATEST.withGeneration(G2));
        assertThat(t.generation()).isEqualTo(G2);
        assertThatThrownBy(() -> RestorePlanner.plan(replica(standard(G1, 0)), RestoreCriteria.LATEST.withGeneration(G2)))
                .isInstanceOf(NoMatchingBackupsException.class)
                .hasMessage("no matching backups found (generation=" + G2 + ")");
    }

    @Test
    void timestampChoosesTheGenerationWhoseWindowContainsIt() throws Exception {
        List<ReplicaListing> r = replica(standard(G1, 100), standard(G2, 0));
        assertThat(RestorePlanner.plan(r, RestoreCriteria.LATEST.withTimestamp(t(10))).generation()).isEqualTo(G2);
        assertThat(RestorePlanner.plan(r, RestoreCriteria.LATEST.withTimestamp(t(100))).generation()).isEqualTo(G1);
        // Window bounds are inclusive.
        assertThat(RestorePlanner.plan(r, RestoreCriteria.LATEST.withTimestamp(t(26))).generation()).isEqualTo(G2);
    }

    @Test
    void timestampBetweenGenerationsOrAfterEverythingFindsNothing() {
        List<ReplicaListing> r = replica(standard(G1, 100), standard(G2, 0));
        assertThatThrownBy(() -> RestorePlanner.plan(r, RestoreCriteria.LATEST.withTimestamp(t(50))))
                .isInstanceOf(NoMatchingBackupsException.class).hasMessageStartingWith("no matching backups found");
        assertThatThrownBy(() -> RestorePlanner.plan(r, RestoreCriteria.LATEST.withTimestamp(t(500))))
                .isInstanceOf(NoMatchingBackupsException.class);
        assertThatThrownBy(() -> RestorePlanner.plan(r, RestoreCriteria.LATEST.withTimestamp(t(-1))))
                .isInstanceOf(NoMatchingBackupsException.class);
    }

    @Test
    void timestampCutsSegmentsAtTheFirstOneAfterIt() throws Exception {
        RestoreTarget t = RestorePlanner.plan(replica(standard(G1, 0)), RestoreCriteria.LATEST.withTimestamp(t(21)));
        // Index 2's offset-0 segment was written at 21, its second at 26.
        assertThat(t.walIndexes().keySet()).containsExactly(0L, 1L, 2L);
        assertThat(t.walIndexes().get(2L)).extracting(WalSegmentInfo::offset).containsExactly(0L);
    }

    @Test
    void timestampStopsAtTheFirstLateSegmentEvenIfLaterOnesAreOlder() throws Exception {
        Gen g = new Gen(G1).snapshot(0, 0).segment(0, 0, 1).segment(0, 4152, 50).segment(1, 0, 2).segment(2, 0, 60);
        RestoreTarget t = RestorePlanner.plan(replica(g), RestoreCriteria.LATEST.withTimestamp(t(10)));
        assertThat(t.walIndexes().keySet()).containsExactly(0L);
        assertThat(t.walIndexes().get(0L)).hasSize(1);
    }

    @Test
    void snapshotIsTheLatestCreatedOneNotTheHighestIndex() throws Exception {
        Gen g = new Gen(G1).snapshot(0, 0).snapshot(1, 30).snapshot(2, 20)
                .segment(0, 0, 1).segment(1, 0, 11).segment(2, 0, 21).segment(3, 0, 31);
        RestoreTarget t = RestorePlanner.plan(replica(g), RestoreCriteria.LATEST);
        assertThat(t.snapshot().index()).isEqualTo(1);
        assertThat(t.walIndexes().keySet()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void snapshotCreatedAtTheSameTimeKeepsTheFirstListed() throws Exception {
        Gen g = new Gen(G1).snapshot(0, 5).snapshot(1, 5).segment(0, 0, 1).segment(1, 0, 6);
        assertThat(RestorePlanner.plan(replica(g), RestoreCriteria.LATEST).snapshot().index()).isZero();
    }

    @Test
    void timestampSnapshotIsTheLatestNotAfterIt() throws Exception {
        Gen g = new Gen(G1).snapshot(0, 0).snapshot(2, 20).segment(0, 0, 1).segment(1, 0, 11).segment(2, 0, 21).segment(3, 0, 31);
        RestoreTarget t = RestorePlanner.plan(replica(g), RestoreCriteria.LATEST.withTimestamp(t(20)));
        assertThat(t.snapshot().index()).isEqualTo(2);
        t = RestorePlanner.plan(replica(g), RestoreCriteria.LATEST.withTimestamp(t(19)));
        assertThat(t.snapshot().index()).isZero();
        assertThat(t.walIndexes().keySet()).containsExactly(0L, 1L);
    }

    @Test
    void timestampBeforeEverySnapshotHasNoSnapshots() {
        Gen g = new Gen(G1).segment(0, 0, 1).snapshot(0, 5).segment(0, 4152, 6);
        assertThatThrownBy(() -> RestorePlanner.plan(replica(g), RestoreCriteria.LATEST.withTimestamp(t(2))))
                .isInstanceOf(RestoreException.class)
                .hasMessage("no snapshots available: generation=" + G1 + " timestamp=" + t(2));
    }

    @Test
    void generationWithSegmentsButNoSnapshotHasNoSnapshots() {
        Gen g = new Gen(G1).segment(0, 0, 1);
        assertThatThrownBy(() -> RestorePlanner.plan(replica(g), RestoreCriteria.LATEST))
                .isInstanceOf(RestoreException.class).isNotInstanceOf(NoMatchingBackupsException.class)
                .hasMessage("no snapshots available: generation=" + G1);
    }

    @Test
    void indexIsInclusiveAndPicksTheLastSnapshotAtOrBelowIt() throws Exception {
        Gen g = new Gen(G1).snapshot(0, 0).snapshot(2, 20)
                .segment(0, 0, 1).segment(1, 0, 11).segment(2, 0, 21).segment(2, 4152, 22).segment(3, 0, 31);
        RestoreTarget t = RestorePlanner.plan(replica(g), RestoreCriteria.LATEST.withIndex(1));
        assertThat(t.snapshot().index()).isZero();
        assertThat(t.walIndexes().keySet()).containsExactly(0L, 1L);
        t = RestorePlanner.plan(replica(g), RestoreCriteria.LATEST.withIndex(2));
        assertThat(t.snapshot().index()).isEqualTo(2);
        assertThat(t.walIndexes().keySet()).containsExactly(2L);
        assertThat(t.walIndexes().get(2L)).hasSize(2);
    }

    @Test
    void indexBeyondTheLastOneUsesEverything() throws Exception {
        RestoreTarget t = RestorePlanner.plan(replica(standard(G1, 0)), RestoreCriteria.LATEST.withIndex(0x16));
        assertThat(t.walIndexes().keySet()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void indexBelowEverySnapshotHasNoSnapshots() {
        Gen g = new Gen(G1).snapshot(3, 0).segment(3, 0, 1);
        assertThatThrownBy(() -> RestorePlanner.plan(replica(g), RestoreCriteria.LATEST.withIndex(2)))
                .isInstanceOf(RestoreException.class)
                .hasMessage("no snapshots available: generation=" + G1 + " index<=00000002");
    }

    @Test
    void indexAndTimestampTogetherAreRejected() {
        assertThatThrownBy(() -> RestorePlanner.plan(replica(standard(G1, 0)),
                RestoreCriteria.LATEST.withIndex(1).withTimestamp(t(1))))
                .isInstanceOf(RestoreException.class).hasMessage("cannot specify index & timestamp to restore");
    }

    @Test
    void missingOffsetZeroSegmentIsReported() {
        Gen g = new Gen(G1).snapshot(0, 0).segment(0, 0, 1).segment(1, 4152, 2).segment(1, 8272, 3);
        assertThatThrownBy(() -> RestorePlanner.plan(replica(g), RestoreCriteria.LATEST))
                .isInstanceOf(RestoreException.class)
                .hasMessage("missing initial wal segment: generation=" + G1 + " index=00000001 offset=4152");
    }

    @Test
    void brokenIndexBelowTheSnapshotStillFailsLikeLitestream() {
        Gen g = new Gen(G1).snapshot(0, 0).snapshot(2, 20).segment(0, 4152, 1).segment(2, 0, 21);
        assertThatThrownBy(() -> RestorePlanner.plan(replica(g), RestoreCriteria.LATEST))
                .hasMessage("missing initial wal segment: generation=" + G1 + " index=00000000 offset=4152");
    }

    @Test
    void segmentsOutOfOrderAreReported() {
        Gen g = new Gen(G1).snapshot(0, 0).segment(0, 0, 1).segment(0, 8272, 2).segment(0, 4152, 3);
        assertThatThrownBy(() -> RestorePlanner.plan(replica(g), RestoreCriteria.LATEST))
                .isInstanceOf(RestoreException.class)
                .hasMessage("wal segments out of order: generation=" + G1 + " index=00000000 offsets=(8272,4152)");
    }

    @Test
    void missingIndexBetweenSnapshotAndLastIndexIsReported() {
        Gen g = new Gen(G1).snapshot(0, 0).segment(0, 0, 1).segment(2, 0, 3);
        assertThatThrownBy(() -> RestorePlanner.plan(replica(g), RestoreCriteria.LATEST))
                .isInstanceOf(RestoreException.class)
                .hasMessage("missing WAL index: " + G1 + "/00000001");
    }

    @Test
    void snapshotWithoutSegmentsIsASnapshotOnlyRestore() throws Exception {
        Gen g = new Gen(G1).snapshot(0, 0);
        RestoreTarget t = RestorePlanner.plan(replica(g), RestoreCriteria.LATEST);
        assertThat(t.walIndexes()).isEmpty();
        assertThat(t.compressedSize()).isEqualTo(100);
    }

    @Test
    void cutBeforeTheSnapshotIndexFirstSegmentRestoresTheSnapshotAlone() throws Exception {
        Gen g = new Gen(G1).snapshot(0, 0).segment(0, 0, 1).snapshot(1, 10).segment(1, 0, 20);
        RestoreTarget t = RestorePlanner.plan(replica(g), RestoreCriteria.LATEST.withTimestamp(t(15)));
        assertThat(t.snapshot().index()).isEqualTo(1);
        assertThat(t.walIndexes()).isEmpty();
    }

    @Test
    void acrossReplicasTheLatestUpdatedWinsAndReplicaFilters() throws Exception {
        List<ReplicaListing> rs = List.of(
                new ReplicaListing("a", List.of(standard(G1, 0).build())),
                new ReplicaListing("b", List.of(standard(G2, 50).build())));
        RestoreTarget t = RestorePlanner.plan(rs, RestoreCriteria.LATEST);
        assertThat(t.replica()).isEqualTo("b");
        assertThat(t.generation()).isEqualTo(G2);
        t = RestorePlanner.plan(rs, RestoreCriteria.LATEST.withReplica("a"));
        assertThat(t.replica()).isEqualTo("a");
        assertThatThrownBy(() -> RestorePlanner.plan(rs, RestoreCriteria.LATEST.withReplica("c")))
                .isInstanceOf(RestoreException.class).hasMessage("replica \"c\" not found");
    }
}

package io.walship.primary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.embeddeds3.EmbeddedS3;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same operations applied to a directory replica and an S3 replica leave identical listings (creation
 * times aside, which come from the file system and the store's clocks).
 */
class ReplicaListingParityTest {
    @TempDir
    Path dir;

    private EmbeddedS3 proxy;
    private List<ReplicaClient> replicas;

    @BeforeEach
    void open() throws Exception {
        proxy = EmbeddedS3.start("access", "secret");
        proxy.createBucket("parity");
        replicas = List.of(new FileReplicaClient(dir),
                new S3ReplicaClient(new S3Settings("parity", "db", proxy.endpoint(), null, true, "access", "secret", false)));
    }

    @AfterEach
    void close() throws Exception {
        replicas.forEach(ReplicaClient::close);
        proxy.stop();
    }

    /** Everything a replica lists, without creation times. */
    private static List<String> listing(ReplicaClient r) throws Exception {
        List<String> out = new ArrayList<>();
        for (String gen : r.generations()) {
            out.add("generation " + gen);
            for (SnapshotInfo s : r.snapshots(gen)) {
                out.add("snapshot " + s.generation() + " " + s.index() + " " + s.size());
            }
            for (WalSegmentInfo s : r.walSegments(gen)) {
                out.add("segment " + s.generation() + " " + s.index() + " " + s.offset() + " " + s.size());
            }
        }
        return out;
    }

    @Test
    void sameOperationsGiveEqualListings() throws Exception {
        String[] gens = {"00000000000000aa", "00000000000000bb", "00000000000000cc"};
        for (ReplicaClient r : replicas) {
            Random sizes = new Random(7);
            for (String gen : gens) {
                for (long index = 0; index < 4; index++) {
                    byte[] snapshot = new byte[sizes.nextInt(5000)];
                    r.writeSnapshot(gen, index, out -> out.write(snapshot));
                    for (long offset : new long[] {0, 0x1038, 0xa110}) {
                        r.writeWalSegment(gen, index, offset, new byte[sizes.nextInt(900)]);
                    }
                }
            }
            r.deleteSnapshot(gens[0], 1);
            r.deleteWalSegments(gens[0], r.walSegments(gens[0]).subList(0, 3));
            r.deleteGeneration(gens[1]);
        }

        List<String> expected = listing(replicas.get(0));
        assertThat(expected).hasSize(2 + 3 + 9 + 4 + 12).contains("generation 00000000000000aa")
                .doesNotContain("generation 00000000000000bb");
        assertThat(listing(replicas.get(1))).isEqualTo(expected);
    }
}

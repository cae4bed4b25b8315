package io.walship.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Position text and replica object names from untrusted places (a follower's position file, a {@code ?pos=} query,
 * an S3 listing): either parsed into a value that prints back as the same text, or refused with
 * {@link IllegalArgumentException} (positions) or a "not ours" answer (names). Nothing else may escape.
 */
class PosFuzzTest {

    @FuzzTest
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        Pos p;
        try {
            p = Pos.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return;
        }
        assertThat(p.toString()).isEqualTo(text.strip());
        assertThat(Pos.parse(p.toString())).isEqualTo(p);
        assertThat(p.compareTo(p)).isZero();
    }

    @FuzzTest
    void objectNames(byte[] data) {
        String name = new String(data, StandardCharsets.UTF_8);
        long index = ReplicaLayout.parseSnapshotName(name);
        if (index >= 0) {
            assertThat(ReplicaLayout.snapshotName(index)).isEqualTo(name);
        }
        long[] segment = ReplicaLayout.parseWalSegmentName(name);
        if (segment != null) {
            assertThat(ReplicaLayout.walSegmentName(segment[0], segment[1])).isEqualTo(name);
        }
        if (ReplicaLayout.isGeneration(name)) {
            assertThat(new Pos(name, 0, 0).generation()).isEqualTo(name);
        }
    }
}

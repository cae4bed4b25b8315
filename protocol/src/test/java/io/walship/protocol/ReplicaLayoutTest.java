package io.walship.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplicaLayoutTest {
    @Test
    void namesMatchLitestream() {
        assertThat(ReplicaLayout.snapshotPath("d33f3f0e9e83b325", 0))
                .isEqualTo("generations/d33f3f0e9e83b325/snapshots/00000000.snapshot.lz4");
        assertThat(ReplicaLayout.walSegmentPath("d33f3f0e9e83b325", 0x10, 0xa110))
                .isEqualTo("generations/d33f3f0e9e83b325/wal/00000010_0000a110.wal.lz4");
    }

    @Test
    void parsesOnlyExactNames() {
        assertThat(ReplicaLayout.parseSnapshotName("0000000b.snapshot.lz4")).isEqualTo(11);
        assertThat(ReplicaLayout.parseSnapshotName("0000000B.snapshot.lz4")).isEqualTo(-1);
        assertThat(ReplicaLayout.parseSnapshotName("0000000b.snapshot.lz4.tmp")).isEqualTo(-1);
        assertThat(ReplicaLayout.parseWalSegmentName("00000001_00001038.wal.lz4")).containsExactly(1, 0x1038);
        assertThat(ReplicaLayout.parseWalSegmentName("000000001_00001038.wal.lz4")).isNull();
        assertThat(ReplicaLayout.isGeneration("0123456789abcdef")).isTrue();
        assertThat(ReplicaLayout.isGeneration("123456789abcdef")).isFalse();
    }

    @Test
    void generationIdsAreSixteenHex() {
        for (int i = 0; i < 1000; i++) {
            assertThat(ReplicaLayout.isGeneration(Generation.random())).isTrue();
        }
    }

    @Test
    void refusesNinthDigit() {
        assertThatThrownBy(() -> ReplicaLayout.hex8(0x100000000L)).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.walship.follower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingSpoolTest {
    @TempDir
    Path dir;

    @Test
    void aShorterBatchOverwritesThePrefixAndReadsBackExactly() throws Exception {
        try (PendingSpool spool = new PendingSpool(dir.resolve("pending.spool"))) {
            byte[] big = filled(10_000, (byte) 7);
            byte[] small = filled(100, (byte) 9);
            spool.write(big);
            SpoolInfo info = spool.write(small);
            assertThat(info.length()).isEqualTo(100);
            assertThat(spool.read(info)).isEqualTo(small);
            assertThat(Files.size(spool.path())).isEqualTo(10_000);
        }
    }

    @Test
    void aReopenedSpoolStillHoldsTheBatch() throws Exception {
        byte[] batch = filled(4096, (byte) 3);
        SpoolInfo info;
        try (PendingSpool spool = new PendingSpool(dir.resolve("pending.spool"))) {
            info = spool.write(batch);
        }
        try (PendingSpool again = new PendingSpool(dir.resolve("pending.spool"))) {
            assertThat(again.read(info)).isEqualTo(batch);
        }
    }

    @Test
    void aSpoolThatNoLongerMatchesItsRecordIsRefused() throws Exception {
        Path path = dir.resolve("pending.spool");
        try (PendingSpool spool = new PendingSpool(path)) {
            SpoolInfo info = spool.write(filled(64, (byte) 1));
            assertThatThrownBy(() -> spool.read(new SpoolInfo(65, info.crc())))
                    .isInstanceOf(InvalidBatchException.class).hasMessageContaining("shorter");
            assertThatThrownBy(() -> spool.read(new SpoolInfo(64, info.crc() ^ 1)))
                    .isInstanceOf(InvalidBatchException.class).hasMessageContaining("CRC");
            assertThatThrownBy(() -> spool.read(null)).isInstanceOf(InvalidBatchException.class);
        }
        Files.delete(path);
        try (PendingSpool gone = new PendingSpool(path)) {
            assertThatThrownBy(() -> gone.read(new SpoolInfo(1, 0))).isInstanceOf(InvalidBatchException.class)
                    .hasMessageContaining("missing");
        }
    }

    @Test
    void aLargeBatchGivesItsSpaceBackOnceApplied() throws Exception {
        try (PendingSpool spool = new PendingSpool(dir.resolve("pending.spool"))) {
            spool.write(new byte[(int) PendingSpool.KEEP_BYTES + 1]);
            spool.applied();
            assertThat(Files.size(spool.path())).isZero();
            spool.write(filled(10, (byte) 2));
            spool.applied();
            assertThat(Files.size(spool.path())).isEqualTo(10);
        }
    }

    private static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }
}

package io.walship.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Against a WAL written by real SQLite: page size 512, a CREATE TABLE (frames for pages 1 and 2, commit)
 * then an INSERT (one frame for page 2, commit). Header {@code 377f0682 002de218 00000200 00000000 9d135e09 7933f481 de2916b0 17f721ce}.
 */
class WalFormatTest {
    private final byte[] wal = Vectors.load("two-commits-512.wal");

    @Test
    void parsesRealHeader() throws Exception {
        WalHeader h = WalHeader.parse(wal);
        assertThat(h.magic()).isEqualTo(WalHeader.MAGIC_LE);
        assertThat(h.bigEndianChecksums()).isFalse();
        assertThat(h.pageSize()).isEqualTo(512);
        assertThat(h.checkpointSeq()).isZero();
        assertThat(h.salt1()).isEqualTo(0x9d135e09);
        assertThat(h.salt2()).isEqualTo(0x7933f481);
        assertThat(h.checksum()).isEqualTo(new WalChecksum(0xde2916b0, 0x17f721ce));
        assertThat(h.frameSize()).isEqualTo(536);
        assertThat(h.toBytes()).containsExactly(java.util.Arrays.copyOf(wal, 32));
    }

    @Test
    void createdHeaderMatchesSqlite() throws Exception {
        WalHeader h = WalHeader.parse(wal);
        WalHeader same = WalHeader.create(false, 512, 0, h.salt1(), h.salt2());
        assertThat(same.toBytes()).containsExactly(h.toBytes());
    }

    @Test
    void rejectsCorruptHeader() {
        byte[] bad = wal.clone();
        bad[13] ^= 1;
        assertThatThrownBy(() -> WalHeader.parse(bad)).isInstanceOf(WalFormatException.class)
                .hasMessageContaining("checksum");
        byte[] magic = wal.clone();
        magic[0] = 0;
        assertThatThrownBy(() -> WalHeader.parse(magic)).hasMessageContaining("magic");
        assertThatThrownBy(() -> WalHeader.parse(new byte[10])).hasMessageContaining("short");
    }

    @Test
    void frameChecksumsChainLikeSqlite() throws Exception {
        WalHeader h = WalHeader.parse(wal);
        WalFrameHeader f1 = WalFrameHeader.parse(wal, 32);
        assertThat(f1.pageNumber()).isEqualTo(1);
        assertThat(f1.commitSize()).isZero();
        assertThat(WalFrameHeader.parse(wal, 32 + 536).commitSize()).isEqualTo(2);
        WalChecksum c1 = h.checksum().update(false, wal, 32, 8).update(false, wal, 32 + 24, 512);
        assertThat(c1).isEqualTo(f1.checksum()).isEqualTo(new WalChecksum(0xfe145705, 0xcaee3ce3));
    }

    @Test
    void scannerKeepsWholeTransactionsOnly() throws Exception {
        WalHeader h = WalHeader.parse(wal);
        WalFrameScanner scanner = new WalFrameScanner(h);
        WalFrameScanner.Result all = scanner.scan(wal, 32, wal.length - 32, h.checksum());
        assertThat(all.committedBytes()).isEqualTo(3 * 536);
        assertThat(all.commitSize()).isEqualTo(2);
        assertThat(all.stopReason()).isNull();
        assertThat(all.checksum()).isEqualTo(WalFrameHeader.parse(wal, 32 + 2 * 536).checksum());

        // Only the first frame of the first transaction: nothing is committed yet.
        WalFrameScanner.Result none = scanner.scan(wal, 32, 536, h.checksum());
        assertThat(none.committedBytes()).isZero();
        assertThat(none.checksum()).isEqualTo(h.checksum());
        assertThat(none.validBytes()).isEqualTo(536);
        assertThat(none.validChecksum()).isEqualTo(WalFrameHeader.parse(wal, 32).checksum());

        WalFrameScanner.Result first = scanner.scan(wal, 32, 2 * 536, h.checksum());
        assertThat(first.committedBytes()).isEqualTo(2 * 536);
        assertThat(first.checksum()).isEqualTo(WalFrameHeader.parse(wal, 32 + 536).checksum());

        // Resuming from the first commit with its checksum as seed continues the chain.
        WalFrameScanner.Result rest = scanner.scan(wal, 32 + 2 * 536, 536, first.checksum());
        assertThat(rest.committedBytes()).isEqualTo(536);
        assertThat(rest.checksum()).isEqualTo(all.checksum());

        // A flipped bit in a page breaks the chain: SQLite would ignore that frame and everything after.
        byte[] corrupt = wal.clone();
        corrupt[32 + 2 * 536 + 24 + 100] ^= 0x40;
        WalFrameScanner.Result broken = scanner.scan(corrupt, 32, corrupt.length - 32, h.checksum());
        assertThat(broken.committedBytes()).isEqualTo(2 * 536);
        assertThat(broken.stopReason()).contains("checksum mismatch");

        // Frames with another WAL life's salts end the scan.
        WalHeader other = WalHeader.create(false, 512, 1, h.salt1() + 1, 42);
        assertThat(new WalFrameScanner(other).scan(wal, 32, wal.length - 32, other.checksum()).stopReason())
                .contains("salt mismatch");

        WalFrameScanner.Result torn = scanner.scan(wal, 32, wal.length - 32 - 10, h.checksum());
        assertThat(torn.committedBytes()).isEqualTo(2 * 536);
        assertThat(torn.stopReason()).contains("partial frame");
    }

    @Test
    void restartHeaderIsRecognised() throws Exception {
        WalHeader h = WalHeader.parse(wal);
        assertThat(WalHeader.create(false, 512, 1, h.salt1() + 1, 7).isRestartOf(h)).isTrue();
        assertThat(WalHeader.create(false, 512, 2, h.salt1() + 2, 7).isRestartOf(h)).isFalse();
        assertThat(WalHeader.create(false, 1024, 1, h.salt1() + 1, 7).isRestartOf(h)).isFalse();
        // Another connection restarted the WAL: its own checkpoint counter, the shared salt-1 + 1.
        assertThat(WalHeader.create(false, 512, 1, h.salt1() + 1, 7)
                .isRestartOf(WalHeader.create(false, 512, 5, h.salt1(), 9))).isTrue();
    }
}

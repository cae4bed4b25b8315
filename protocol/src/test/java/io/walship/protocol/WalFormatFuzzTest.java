package io.walship.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * WAL headers and frames come from segments in storage and from the stream. The parser must refuse bad headers with
 * {@link WalFormatException} only; the scanner must never throw, report only whole valid frames, and stop exactly at
 * the first frame a damaged byte belongs to.
 */
class WalFormatFuzzTest {

    @FuzzTest
    void parsesAnyHeader(byte[] data) {
        WalHeader h;
        try {
            h = WalHeader.parse(data);
        } catch (WalFormatException e) {
            return;
        }
        assertThat(h.toBytes()).isEqualTo(Arrays.copyOf(data, WalHeader.SIZE));
        WalHeader again = WalHeader.create(h.bigEndianChecksums(), h.pageSize(), h.checkpointSeq(), h.salt1(), h.salt2());
        assertThat(again.sameBytes(h)).isTrue();
    }

    /** A WAL file's bytes: its own header when valid, else a 512-byte-page header, then whatever follows. */
    @FuzzTest
    void scansAnyFrames(byte[] data) {
        WalHeader header;
        try {
            header = WalHeader.parse(data);
        } catch (WalFormatException e) {
            header = WalHeader.create(false, 512, 0, 1, 2);
        }
        int off = Math.min(WalHeader.SIZE, data.length);
        int len = data.length - off;
        WalFrameScanner.Result r = new WalFrameScanner(header).scan(data, off, len, header.checksum());
        int frameSize = header.frameSize();
        assertThat(r.validBytes()).isBetween(0, len);
        assertThat(r.validBytes() % frameSize).isZero();
        assertThat(r.committedBytes()).isBetween(0, r.validBytes());
        assertThat(r.committedBytes() % frameSize).isZero();
        assertThat(r.commitSize() != 0).isEqualTo(r.committedBytes() > 0);
        assertThat(r.stopReason() == null).isEqualTo(r.validBytes() == len);
    }

    /**
     * A WAL built from the input (page contents, and which frames commit) scans whole; then one byte of it, chosen by
     * the input, is changed, and the scan must stop at the start of the frame holding that byte.
     */
    @FuzzTest
    void detectsAnyDamagedByte(byte[] data) {
        if (data.length < 4) {
            return;
        }
        int pageSize = 512 << (data[0] & 3);
        boolean bigEndian = (data[1] & 1) != 0;
        WalHeader header = WalHeader.create(bigEndian, pageSize, 0, data[2], data.length);
        int frames = 1 + (data[3] & 7);
        int frameSize = header.frameSize();
        byte[] wal = new byte[frames * frameSize];
        byte[] salt = Arrays.copyOfRange(header.toBytes(), 16, 24);
        WalChecksum chain = header.checksum();
        int lastCommit = 0;
        for (int f = 0; f < frames; f++) {
            int at = f * frameSize;
            for (int i = 0; i < pageSize; i++) {
                wal[at + WalFrameHeader.SIZE + i] = data[(at + i) % data.length];
            }
            boolean commit = f == frames - 1 || (data[(f + 4) % data.length] & 1) != 0;
            chain = WalFrameHeader.write(wal, at, 1 + f, commit ? f + 1 : 0, salt, bigEndian, pageSize, chain);
            if (commit) {
                lastCommit = at + frameSize;
            }
        }
        WalFrameScanner scanner = new WalFrameScanner(header);
        WalFrameScanner.Result whole = scanner.scan(wal, 0, wal.length, header.checksum());
        assertThat(whole.stopReason()).isNull();
        assertThat(whole.committedBytes()).isEqualTo(lastCommit).isEqualTo(wal.length);
        assertThat(whole.checksum()).isEqualTo(chain);
        assertThat(whole.commitSize()).isEqualTo(frames);

        int damaged = Math.floorMod(Arrays.hashCode(data), wal.length);
        wal[damaged] ^= (byte) (1 << (data[1] >>> 1 & 7));
        WalFrameScanner.Result broken = scanner.scan(wal, 0, wal.length, header.checksum());
        assertThat(broken.stopReason()).isNotNull();
        assertThat(broken.validBytes()).isEqualTo(damaged / frameSize * frameSize);
    }
}

package io.walship.primary.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.walship.protocol.WalFormatException;
import io.walship.protocol.WalFrameScanner;
import io.walship.protocol.WalHeader;
import java.util.Arrays;
import java.util.Random;

/**
 * The restore's check of one index's WAL as its segments stream in ({@link WalChainCheck}): whatever the bytes and
 * however they are cut, it refuses with a one-line {@link RestoreException} exactly when SQLite would not apply all of
 * them (the scanner over the whole index says so), and accepts otherwise.
 */
class WalChainCheckFuzzTest {

    /** The input is an index's WAL from offset 0; an invalid header is replaced by one for 512-byte pages. */
    @FuzzTest
    void checksAnyIndex(byte[] data) {
        WalHeader header;
        try {
            header = WalHeader.parse(data);
        } catch (WalFormatException e) {
            header = WalHeader.create(false, 512, 0, 1, 2);
        }
        byte[] frames = Arrays.copyOfRange(data, Math.min(WalHeader.SIZE, data.length), data.length);
        WalFrameScanner.Result whole = new WalFrameScanner(header).scan(frames, 0, frames.length, header.checksum());
        boolean sqliteTakesAll = whole.stopReason() == null && whole.committedBytes() == frames.length;

        WalChainCheck check = new WalChainCheck("0123456789abcdef", 0, header);
        check.object("fuzz.wal.lz4");
        Random cuts = new Random(Arrays.hashCode(data));
        try {
            for (int at = 0; at < frames.length; ) {
                int n = Math.min(frames.length - at, 1 + cuts.nextInt(2 * header.frameSize()));
                check.update(frames, at, n);
                at += n;
            }
            check.finish();
        } catch (RestoreException e) {
            assertThat(sqliteTakesAll).as("refused: %s", e.getMessage()).isFalse();
            assertThat(e.getMessage()).startsWith("corrupt WAL: generation=0123456789abcdef index=00000000 offset=")
                    .contains("(fuzz.wal.lz4)").doesNotContain("\n");
            return;
        }
        assertThat(sqliteTakesAll).as("accepted").isTrue();
        assertThat(check.length()).isEqualTo(WalHeader.SIZE + frames.length);
    }
}

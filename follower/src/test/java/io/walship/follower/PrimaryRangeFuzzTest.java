package io.walship.follower;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.walship.protocol.Bytes;
import io.walship.protocol.Pos;
import io.walship.protocol.WalChecksum;
import io.walship.protocol.WalFormatException;
import io.walship.protocol.WalFrameHeader;
import io.walship.protocol.WalHeader;
import java.util.Arrays;
import java.util.Map;

/**
 * The follower's last check before WAL bytes from the primary reach its database ({@link PrimaryRange#validate}).
 * Whatever the bytes, it refuses with {@link InvalidBatchException} or returns a range whose pages are frames of
 * the input, numbered 1 to the final size, each its latest image.
 */
class PrimaryRangeFuzzTest {
    private static final String GEN = "a1b2c3d4e5f60718";

    /** Raw bytes as the start (offset 0) of an index: a header, then frames. */
    @FuzzTest
    void validatesAnyIndexStart(byte[] data) {
        check(new Pos(GEN, 1, 0), new Pos(GEN, 1, data.length), data, null, null);
    }

    /**
     * Raw bytes continuing an index whose header came alone in an earlier range; the input's first 32 bytes are that
     * header when valid.
     */
    @FuzzTest
    void validatesAnyContinuation(byte[] data) {
        WalHeader known;
        try {
            known = WalHeader.parse(data);
        } catch (WalFormatException e) {
            known = WalHeader.create(false, 512, 0, 7, 9);
        }
        byte[] rest = Arrays.copyOfRange(data, Math.min(WalHeader.SIZE, data.length), data.length);
        long start = WalHeader.SIZE;
        check(new Pos(GEN, 1, start), new Pos(GEN, 1, start + rest.length), rest, known, known.checksum());
    }

    /**
     * A WAL whose salts and checksums are all right but whose frame headers (page numbers, commit sizes) are anything
     * the input says: checksums prove only that the bytes arrived as sent, not that the primary made sense.
     */
    @FuzzTest
    void validatesWellSealedNonsense(FuzzedDataProvider in) {
        int pageSize = 512 << in.consumeInt(0, 2);
        boolean bigEndian = in.consumeBoolean();
        WalHeader header = WalHeader.create(bigEndian, pageSize, in.consumeInt(), in.consumeInt(), in.consumeInt());
        int frames = in.consumeInt(0, 8);
        byte[] wal = Arrays.copyOf(header.toBytes(), WalHeader.SIZE + frames * header.frameSize());
        byte[] salt = Arrays.copyOfRange(wal, 16, 24);
        WalChecksum chain = header.checksum();
        for (int f = 0, at = WalHeader.SIZE; f < frames; f++, at += header.frameSize()) {
            byte[] page = in.consumeBytes(pageSize);
            System.arraycopy(page, 0, wal, at + WalFrameHeader.SIZE, page.length);
            if (in.consumeBoolean()) {
                wal[at + WalFrameHeader.SIZE + 18] = 2;
                wal[at + WalFrameHeader.SIZE + 19] = 2;
            }
            int pgno = in.consumeBoolean() ? in.consumeInt() : in.consumeInt(1, 16);
            int commit = in.consumeBoolean() ? 0 : in.consumeBoolean() ? in.consumeInt() : in.consumeInt(1, 16);
            chain = WalFrameHeader.write(wal, at, pgno, commit, salt, bigEndian, pageSize, chain);
        }
        check(new Pos(GEN, 1, 0), new Pos(GEN, 1, wal.length), wal, null, null);
    }

    private static void check(Pos start, Pos end, byte[] bytes, WalHeader known, WalChecksum seed) {
        PrimaryRange r;
        try {
            r = PrimaryRange.validate(start, end, bytes, known, seed);
        } catch (InvalidBatchException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return;
        }
        int frameSize = r.header().frameSize();
        if (!r.hasFrames()) {
            assertThat(r.pages()).isEmpty();
            assertThat(r.finalSize()).isZero();
            return;
        }
        for (Map.Entry<Integer, Integer> page : r.pages().entrySet()) {
            int at = page.getValue();
            assertThat(page.getKey()).isBetween(1, r.finalSize());
            assertThat(at - WalFrameHeader.SIZE - (start.offset() == 0 ? WalHeader.SIZE : 0)).isNotNegative()
                    .satisfies(o -> assertThat(o % frameSize).isZero());
            assertThat(Bytes.getIntBE(bytes, at - WalFrameHeader.SIZE)).isEqualTo(page.getKey());
            for (int later = at + frameSize; later < bytes.length; later += frameSize) {
                assertThat(Bytes.getIntBE(bytes, later - WalFrameHeader.SIZE)).as("a later image of the page")
                        .isNotEqualTo(page.getKey());
            }
        }
    }
}

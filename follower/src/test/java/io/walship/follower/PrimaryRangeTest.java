package io.walship.follower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.protocol.Pos;
import io.walship.protocol.WalFrameHeader;
import io.walship.protocol.WalHeader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What checksums cannot tell: frames sealed correctly around numbers the follower cannot honour. */
class PrimaryRangeTest {
    private static final String GEN = "a1b2c3d4e5f60718";

    /** An index start of one frame for {@code pageNumber}, committing a database of {@code commitSize} pages. */
    private static byte[] oneFrame(int pageNumber, int commitSize) {
        WalHeader h = WalHeader.create(false, 512, 0, 11, 22);
        byte[] wal = Arrays.copyOf(h.toBytes(), WalHeader.SIZE + h.frameSize());
        WalFrameHeader.write(wal, WalHeader.SIZE, pageNumber, commitSize, Arrays.copyOfRange(wal, 16, 24), false, 512,
                h.checksum());
        return wal;
    }

    private static PrimaryRange validate(byte[] wal) throws InvalidBatchException {
        return PrimaryRange.validate(new Pos(GEN, 1, 0), new Pos(GEN, 1, wal.length), wal, null, null);
    }

    @Test
    void anOrdinaryFrameIsAccepted() throws Exception {
        PrimaryRange r = validate(oneFrame(3, 4));
        assertThat(r.finalSize()).isEqualTo(4);
        assertThat(r.pages()).containsOnlyKeys(3);
    }

    /** Found by PrimaryRangeFuzzTest: a commit size of 2^31 or more was taken as a negative final size. */
    @Test
    void pageNumbersAndSizesBeyondTwoToTheThirtyOneAreRefused() {
        assertThatThrownBy(() -> validate(oneFrame(3, 0xa0a9a9a9))).isInstanceOf(InvalidBatchException.class)
                .hasMessageEndingWith("frame at offset 32 names page 3 of a database of 2695473577 pages; more than"
                        + " 2^31 - 1 pages is not supported");
        assertThatThrownBy(() -> validate(oneFrame(0x80000000, 1))).isInstanceOf(InvalidBatchException.class)
                .hasMessageContaining("names page 2147483648 of a database of 1 pages");
    }
}

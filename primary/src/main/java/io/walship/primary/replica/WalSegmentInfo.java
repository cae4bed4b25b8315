package io.walship.primary.replica;

import java.time.Instant;
import java.util.Comparator;

/**
 * A WAL segment object as listed.
 *
 * @param offset    byte offset of the segment's first byte in its index's WAL
 * @param size      stored (compressed) size in bytes
 */
public record WalSegmentInfo(String generation, long index, long offset, long size, Instant createdAt) {

    public static final Comparator<WalSegmentInfo> ORDER =
            Comparator.comparingLong(WalSegmentInfo::index).thenComparingLong(WalSegmentInfo::offset);
}

package io.walship.follower;

import io.walship.protocol.Pos;
import java.io.IOException;

/**
 * Sees the primary's WAL bytes a follower applies, in order, so that a relay can serve them on to its own
 * followers. Called on the follower's thread.
 */
public interface WalTap {
    WalTap NONE = new WalTap() {
        @Override
        public void wal(Pos start, Pos end, byte[] bytes) {
        }

        @Override
        public void applied(Pos end) {
        }
    };

    /**
     * The primary's WAL bytes {@code [start, end)} of one index are about to be applied (from offset 0, header
     * included, when {@code start.offset()} is 0). A failure here keeps them from being applied.
     */
    void wal(Pos start, Pos end, byte[] bytes) throws IOException;

    /** Readers of the follower's database now see every transaction up to {@code end}. */
    void applied(Pos end);

    /**
     * True when the tap cannot serve on from {@code visible} (it lacks the WAL of that index from its start): the
     * follower then asks an upstream that can send one for a snapshot instead of resuming.
     */
    default boolean wantsSnapshot(Pos visible) {
        return false;
    }
}

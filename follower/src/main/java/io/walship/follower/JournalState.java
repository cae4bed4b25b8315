package io.walship.follower;

import io.walship.protocol.Pos;
import io.walship.protocol.WalChecksum;
import io.walship.protocol.WalHeader;

/**
 * The follower's private crash record (spec §5.1).
 *
 * @param applied       position whose data is visible to readers; null before the first snapshot
 * @param primaryHeader the primary's WAL header of {@code applied.index()}, to validate ranges that start past it
 * @param primaryChain  the primary's checksum chain at {@code applied}, the seed for the next range
 * @param local         the live wal-index as the follower left it (local-write detection)
 * @param staged        a snapshot waiting in its spool for the WAL of its index (not visible yet)
 * @param stagedSpool   length and CRC of the snapshot spool
 * @param pendingStart  start of the range being applied ({@code applied}, a new index, or {@code staged})
 * @param pending       end of the range being applied: may or may not be visible after a crash (spec I5)
 * @param pendingSpool  length and CRC of the spooled WAL bytes of the pending range
 * @param resync        set when only a snapshot can continue; null otherwise
 * @param floor         a snapshot batch must end at or after this position (a lost pending range, spec §5.3)
 */
record JournalState(Pos applied, WalHeader primaryHeader, WalChecksum primaryChain, LocalWalState local,
                    Pos staged, SpoolInfo stagedSpool, Pos pendingStart, Pos pending, SpoolInfo pendingSpool,
                    ResyncReason resync, Pos floor) {

    static final JournalState EMPTY = new JournalState(null, null, null, null, null, null, null, null, null, null, null);

    boolean pendingIsSnapshot() {
        return pending != null && staged != null && pendingStart.equals(staged);
    }

    JournalState withPending(Pos start, Pos end, SpoolInfo spool) {
        return new JournalState(applied, primaryHeader, primaryChain, local, staged, stagedSpool, start, end, spool,
                resync, floor);
    }

    JournalState withoutPending() {
        return new JournalState(applied, primaryHeader, primaryChain, local, staged, stagedSpool, null, null, null,
                resync, floor);
    }

    JournalState withStaged(Pos pos, SpoolInfo spool) {
        return new JournalState(applied, primaryHeader, primaryChain, local, pos, spool, pendingStart, pending,
                pendingSpool, resync, floor);
    }

    JournalState withLocal(LocalWalState state) {
        return new JournalState(applied, primaryHeader, primaryChain, state, staged, stagedSpool, pendingStart, pending,
                pendingSpool, resync, floor);
    }

    JournalState withResync(ResyncReason reason, Pos atLeast) {
        return new JournalState(applied, primaryHeader, primaryChain, local, staged, stagedSpool, pendingStart, pending,
                pendingSpool, reason, atLeast);
    }

    /** After a verified apply of {@code (pendingStart, end]}: visible, nothing pending, any staged snapshot used. */
    JournalState appliedTo(Pos end, WalHeader header, WalChecksum chain, LocalWalState state, boolean usedSnapshot) {
        return new JournalState(end, header, chain, state, usedSnapshot ? null : staged,
                usedSnapshot ? null : stagedSpool, null, null, null, usedSnapshot ? null : resync,
                usedSnapshot ? null : floor);
    }
}

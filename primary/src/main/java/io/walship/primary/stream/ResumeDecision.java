package io.walship.primary.stream;

import io.walship.protocol.Pos;
import io.walship.protocol.stream.proto.SnapshotReason;
import java.io.IOException;

/**
 * How a stream starts for a requested position: exactly there, with a snapshot (and why), or not at all. Never by
 * sending bytes before the position (a follower would replay old page images over newer ones).
 *
 * @param resume    the position to continue at, or null
 * @param reason    why a snapshot is needed, or null
 * @param detail    the reason in words, for the follower's log
 * @param rejection why the request is refused (answered 400), or null
 */
record ResumeDecision(Pos resume, SnapshotReason reason, String detail, String rejection) {

    /**
     * Decides, holding the position's shadow WAL for {@code holder} first so that a file found here is still
     * there when the stream reads it. Throws {@link NotYetServableException} when a relay is behind the request.
     */
    static ResumeDecision decide(StreamedDatabase db, Pos requested, Object holder) throws IOException {
        String notYet = db.notYet(requested);
        if (notYet != null) {
            throw new NotYetServableException(notYet);
        }
        Pos cur = db.position();
        if (requested == null) {
            return snapshot(SnapshotReason.SNAPSHOT_REASON_NO_POSITION, "no position requested");
        }
        if (!requested.generation().equals(cur.generation())) {
            return snapshot(SnapshotReason.SNAPSHOT_REASON_GENERATION_MISMATCH, "position " + requested
                    + " is not in the primary's generation " + cur.generation());
        }
        if (requested.compareTo(cur) > 0) {
            return reject("position " + requested + " is ahead of the primary's position " + cur);
        }
        db.holdShadowFrom(holder, requested.generation(), requested.index());
        long len = db.shadowLength(requested.generation(), requested.index());
        if (len < 0) {
            return snapshot(SnapshotReason.SNAPSHOT_REASON_POSITION_PRUNED, "index " + requested.index()
                    + " of position " + requested + " is no longer held by the primary (now at index " + cur.index() + ")");
        }
        if (requested.offset() > len) {
            return reject("position " + requested + " is beyond the end (" + len + ") of WAL index " + requested.index());
        }
        int frameSize = WalSegmentReader.frameSize(db, requested.generation(), requested.index());
        if (!WalSegmentReader.onFrameBoundary(requested.offset(), frameSize)) {
            return reject("position " + requested + " is not on a WAL frame boundary (frame size " + frameSize + ")");
        }
        if (!WalSegmentReader.endsTransaction(db, requested, frameSize)) {
            return reject("position " + requested + " is inside a transaction, not after a commit");
        }
        return new ResumeDecision(requested, null, null, null);
    }

    private static ResumeDecision snapshot(SnapshotReason reason, String detail) {
        return new ResumeDecision(null, reason, detail, null);
    }

    private static ResumeDecision reject(String why) {
        return new ResumeDecision(null, null, null, why);
    }
}

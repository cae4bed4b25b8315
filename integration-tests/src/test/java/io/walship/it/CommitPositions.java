package io.walship.it;

import io.walship.protocol.Pos;
import java.util.HashMap;
import java.util.Map;
import java.util.Map.Entry;
import java.util.TreeMap;

/**
 * What the application learned from {@code GET /pos} right after each commit: position → the ledger transaction
 * it completes. {@code /pos} captures before answering, so the state at that position holds exactly transactions
 * 1..t of the ledger; a follower whose position file is at or past it must show at least t.
 */
final class CommitPositions {
    private final Map<String, TreeMap<Pos, Long>> byGeneration = new HashMap<>();
    private int recorded;

    /** The application's step: commit the next ledger transaction, then record the primary's position for it. */
    AppWriter.Step commitAndRecord(Ledger ledger, PrimaryHttp primary) {
        return () -> {
            long t = ledger.commitNext();
            primary.pos().ifPresent(p -> record(p, t));
        };
    }

    synchronized void record(Pos pos, long transaction) {
        byGeneration.computeIfAbsent(pos.generation(), g -> new TreeMap<>()).merge(pos, transaction, Math::max);
        recorded++;
    }

    /** The highest transaction a follower at {@code pos} must show (0 if nothing recorded is at or before it). */
    synchronized long visibleAt(Pos pos) {
        TreeMap<Pos, Long> m = byGeneration.get(pos.generation());
        Entry<Pos, Long> e = m == null ? null : m.floorEntry(pos);
        return e == null ? 0 : e.getValue();
    }

    synchronized int recorded() {
        return recorded;
    }
}

package io.walship.bench;

import io.walship.primary.capture.CapturedDatabase;
import io.walship.protocol.Pos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Listens to the primary's capture: when each position became visible in the shadow WAL, and which WAL index
 * each WAL life (salt) was captured as, so a commit's (salt, frame) from {@link WalIndexProbe} becomes a
 * {@link Pos}. Runs on the capture thread; readers call the synchronized getters.
 */
final class CaptureRecorder implements Runnable {
    private static final int SALT_OFFSET = 16;

    private final CapturedDatabase db;
    private final String generation;
    private final LongSeries nanos = new LongSeries();
    private final LongSeries indexes = new LongSeries();
    private final LongSeries offsets = new LongSeries();
    private final Map<Long, Long> indexBySalt = new HashMap<>();
    private long lastIndex = -1;
    private String otherGeneration;

    CaptureRecorder(CapturedDatabase db) {
        this.db = db;
        this.generation = db.position().generation();
        learnIndex(db.position());
    }

    @Override
    public synchronized void run() {
        long now = System.nanoTime();
        Pos p = db.position();
        if (!p.generation().equals(generation)) {
            otherGeneration = p.generation();
            return;
        }
        if (p.index() != lastIndex) {
            learnIndex(p);
        }
        nanos.add(now);
        indexes.add(p.index());
        offsets.add(p.offset());
    }

    private void learnIndex(Pos p) {
        try {
            byte[] salt = db.readShadow(p.generation(), p.index(), SALT_OFFSET, 8);
            indexBySalt.put(ByteBuffer.wrap(salt).order(ByteOrder.nativeOrder()).getLong(), p.index());
            lastIndex = p.index();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String generation() {
        return generation;
    }

    /** A generation other than the first seen, or null: the benchmark must then be discarded. */
    synchronized String otherGeneration() {
        return otherGeneration;
    }

    /** The WAL index the WAL life with this salt was captured as, or -1 if capture has not seen it (yet). */
    synchronized long indexOf(long salt) {
        return indexBySalt.getOrDefault(salt, -1L);
    }

    synchronized PositionEvents events() {
        return new PositionEvents(nanos.toArray(), indexes.toArray(), offsets.toArray());
    }
}

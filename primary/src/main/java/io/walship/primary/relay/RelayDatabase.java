package io.walship.primary.relay;

import io.walship.follower.PositionFile;
import io.walship.follower.StreamFollower;
import io.walship.follower.WalTap;
import io.walship.primary.stream.StreamedDatabase;
import io.walship.protocol.Pos;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower's database served on to further followers (a relay): the same protocol, positions and generations as
 * the primary, so followers form a tree. The primary's WAL bytes the follower applies are kept in a
 * {@link RelayStore}; a snapshot is the follower's own database exactly as its readers see it
 * ({@link StreamFollower#writeImage}), which with its index's WAL from offset 0 is the primary's state at the
 * follower's position. When the follower moves to a new generation its followers get a snapshot of it too.
 */
public final class RelayDatabase implements StreamedDatabase, WalTap {
    private static final Logger log = LoggerFactory.getLogger(RelayDatabase.class);
    private static final int LEFT_GENERATIONS = 16;

    private final StreamFollower follower;
    private final Path dbPath;
    private final RelayStore store;
    private final BooleanSupplier live;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Generations this relay moved on from: a follower still in one of them needs a snapshot, not a wait. */
    private final Set<String> left = Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile Pos visible;

    private RelayDatabase(StreamFollower follower, Path dbPath, RelayStore store, BooleanSupplier live) {
        this.follower = follower;
        this.dbPath = dbPath;
        this.store = store;
        this.live = live;
        this.visible = follower.visiblePosition().orElse(null);
    }

    /**
     * Starts relaying {@code follower} (before it runs); its store lives in {@code DB_PATH-litestream/relay} and keeps
     * finished WAL indexes up to {@code retainBytes}. {@code live} tells whether the follower is in touch with its
     * upstream now.
     */
    public static RelayDatabase open(StreamFollower follower, Path dbPath, long retainBytes, BooleanSupplier live)
            throws IOException {
        Path abs = dbPath.toAbsolutePath().normalize();
        RelayStore store = new RelayStore(PositionFile.metaDirectory(abs).resolve("relay"), retainBytes);
        RelayDatabase db = new RelayDatabase(follower, abs, store, live);
        store.open(db.visible);
        follower.tap(db);
        return db;
    }

    @Override
    public void wal(Pos start, Pos end, byte[] bytes) throws IOException {
        store.write(start, bytes);
    }

    @Override
    public void applied(Pos end) {
        Pos before = visible;
        visible = end;
        if (before != null && !before.generation().equals(end.generation())) {
            synchronized (left) {
                left.add(before.generation());
                if (left.size() > LEFT_GENERATIONS) {
                    left.remove(left.iterator().next());
                }
            }
            log.info("{}: relaying generation {} now; followers of this relay get a snapshot of it", dbPath,
                    end.generation());
        }
        try {
            store.retain(end);
        } catch (IOException e) {
            log.warn("{}: relay store cleanup failed: {}", dbPath, e.getMessage());
        }
        listeners.forEach(Runnable::run);
    }

    @Override
    public boolean wantsSnapshot(Pos at) {
        try {
            return store.length(at.generation(), at.index()) < at.offset();
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public Path path() {
        return dbPath;
    }

    @Override
    public int pageSize() {
        return follower.pageSize();
    }

    @Override
    public Pos position() {
        return visible;
    }

    @Override
    public Pos capturePosition() throws IOException {
        Pos v = visible;
        if (v == null) {
            throw new IOException("this relay has no data yet");
        }
        return v;
    }

    @Override
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** What the relay can stream: whole earlier indexes, and its current index up to its visible position. */
    @Override
    public long shadowLength(String gen, long idx) throws IOException {
        Pos v = visible;
        if (v == null || !v.generation().equals(gen) || idx > v.index()) {
            return -1;
        }
        long held = store.length(gen, idx);
        if (idx < v.index()) {
            return held;
        }
        return held >= v.offset() ? v.offset() : -1;
    }

    @Override
    public byte[] readShadow(String gen, long idx, long offset, int len) throws IOException {
        return store.read(gen, idx, offset, len);
    }

    @Override
    public void holdShadowFrom(Object reader, String gen, long idx) {
        store.hold(reader, gen, idx);
    }

    @Override
    public void releaseShadow(Object reader) {
        store.release(reader);
    }

    @Override
    public Pos snapshot(OutputStream out) throws IOException {
        Pos v = capturePosition();
        if (shadowLength(v.generation(), v.index()) < 0) {
            throw new IOException(notHeld(v));
        }
        Pos at = follower.writeImage(out);
        if (shadowLength(at.generation(), at.index()) < 0) {
            throw new IOException(notHeld(at));
        }
        return new Pos(at.generation(), at.index(), 0);
    }

    private String notHeld(Pos p) {
        return "this relay does not hold WAL index " + p.index() + " from its start (it started relaying inside"
                + " it); it can serve snapshots again from its next index or snapshot";
    }

    @Override
    public String notYet(Pos requested) {
        Pos v = visible;
        if (v == null) {
            return "this relay has no data yet";
        }
        if (requested == null) {
            return null;
        }
        if (requested.generation().equals(v.generation())) {
            return requested.compareTo(v) > 0 ? "position " + requested + " is ahead of this relay (at " + v + ")" : null;
        }
        if (left.contains(requested.generation()) || live.getAsBoolean()) {
            return null;
        }
        return "generation " + requested.generation() + " is unknown to this relay (at " + v
                + "), which is out of touch with its upstream";
    }
}

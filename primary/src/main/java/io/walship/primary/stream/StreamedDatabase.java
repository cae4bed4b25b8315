package io.walship.primary.stream;

import io.walship.protocol.Pos;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A database the stream server serves: the primary's captured database, or a relaying follower's copy of it. Both
 * keep the primary's WAL bytes per index (its shadow WAL, the relay's store) and can write an image of the database
 * that, with its index's WAL replayed from offset 0, is the primary's state at a known position.
 */
public interface StreamedDatabase {

    /** The local database file. */
    Path path();

    int pageSize();

    /** The end of the last committed transaction available to followers. */
    Pos position();

    /** {@link #position()} including every commit made before the call ({@code GET /pos/NAME}). */
    Pos capturePosition() throws IOException;

    /** {@code listener} runs (on the writer's thread, so it must be quick) whenever the position moves. */
    void addListener(Runnable listener);

    void removeListener(Runnable listener);

    /** The committed length of a WAL index, or -1 if it is not held (another generation, or pruned). */
    long shadowLength(String gen, long idx) throws IOException;

    /** {@code len} bytes of a WAL index at {@code offset}; the caller bounds it by {@link #shadowLength}. */
    byte[] readShadow(String gen, long idx, long offset, int len) throws IOException;

    /** Keeps WAL index {@code idx} and later ones of {@code gen} for {@code reader} until released. */
    void holdShadowFrom(Object reader, String gen, long idx);

    void releaseShadow(Object reader);

    /**
     * Writes an image of the database and returns (generation, index, 0) of the WAL index it belongs to: replaying
     * that index's WAL from offset 0 over it up to at least {@link #position()} as of the call gives that state.
     */
    Pos snapshot(OutputStream out) throws IOException;

    /**
     * Why a follower at {@code requested} cannot be served yet though it may be later (this database is a relay
     * behind it), or null. The primary is never behind a follower's position.
     */
    default String notYet(Pos requested) {
        return null;
    }
}

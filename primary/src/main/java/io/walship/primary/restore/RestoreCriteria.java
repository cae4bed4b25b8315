package io.walship.primary.restore;

import java.time.Instant;

/**
 * What the user asked to restore (Litestream's restore flags). Every field is optional.
 *
 * @param replica    only consider the replica with this name ({@code -replica}), or null
 * @param generation only consider this generation ({@code -generation}), or null
 * @param index      restore up to and including this WAL index ({@code -index}), or {@link #NO_INDEX}
 * @param timestamp  restore the state as of this instant ({@code -timestamp}), or null
 */
public record RestoreCriteria(String replica, String generation, long index, Instant timestamp) {

    /** No index limit. */
    public static final long NO_INDEX = -1;

    public static final RestoreCriteria LATEST = new RestoreCriteria(null, null, NO_INDEX, null);

    public boolean hasIndex() {
        return index != NO_INDEX;
    }

    public RestoreCriteria withGeneration(String g) {
        return new RestoreCriteria(replica, g, index, timestamp);
    }

    public RestoreCriteria withIndex(long i) {
        return new RestoreCriteria(replica, generation, i, timestamp);
    }

    public RestoreCriteria withTimestamp(Instant t) {
        return new RestoreCriteria(replica, generation, index, t);
    }

    public RestoreCriteria withReplica(String r) {
        return new RestoreCriteria(r, generation, index, timestamp);
    }
}

package io.walship.bench;

/**
 * When a position became visible somewhere (shadow WAL, follower), in time order; positions never go back within
 * one generation, so a commit's first covering event is found by a forward scan.
 */
record PositionEvents(long[] nanos, long[] indexes, long[] offsets) {

    int size() {
        return nanos.length;
    }

    /** Whether event {@code i} covers the position (index, offset). */
    boolean covers(int i, long index, long offset) {
        return indexes[i] > index || indexes[i] == index && offsets[i] >= offset;
    }

    /**
     * For commits in WAL order, the delay from each commit's time to the first event covering it; -1 for a commit
     * no event covers.
     */
    long[] delays(long[] commitNanos, long[] commitIndexes, long[] commitOffsets) {
        long[] out = new long[commitNanos.length];
        int e = 0;
        for (int c = 0; c < commitNanos.length; c++) {
            while (e < size() && !covers(e, commitIndexes[c], commitOffsets[c])) {
                e++;
            }
            // A capture can see the frames a few microseconds before commit() returns to Java: count that as 0.
            out[c] = e < size() ? Math.max(0, nanos[e] - commitNanos[c]) : -1;
        }
        return out;
    }
}

package io.walship.bench;

import java.util.Arrays;

/**
 * Median, 99th percentile and maximum of a set of durations (nearest-rank), in nanoseconds.
 *
 * @param count how many durations; 0 leaves the figures NaN
 */
record LatencyStats(int count, double p50, double p99, double max) {

    static LatencyStats of(long[] nanos) {
        if (nanos.length == 0) {
            return new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new LatencyStats(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
    }

    private static double rank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, i)];
    }

    double p50Millis() {
        return p50 / 1e6;
    }

    double p99Millis() {
        return p99 / 1e6;
    }

    double maxMillis() {
        return max / 1e6;
    }
}

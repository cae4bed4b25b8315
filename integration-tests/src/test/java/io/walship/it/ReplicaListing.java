package io.walship.it;

import java.util.List;

/**
 * Parses litestream's listing tables ({@code generations}, {@code snapshots}, {@code wal}): a header row, then
 * columns separated by runs of spaces; index and offset are printed in decimal.
 */
final class ReplicaListing {
    private ReplicaListing() {
    }

    record Generation(String replica, String generation) {
    }

    record Snapshot(String replica, String generation, long index, long size) {
    }

    record Segment(String replica, String generation, long index, long offset, long size) {
    }

    static List<Generation> generations(String out) {
        return rows(out, "name").stream().map(c -> new Generation(c[0], c[1])).toList();
    }

    static List<Snapshot> snapshots(String out) {
        return rows(out, "replica").stream()
                .map(c -> new Snapshot(c[0], c[1], Long.parseLong(c[2]), Long.parseLong(c[3]))).toList();
    }

    static List<Segment> segments(String out) {
        return rows(out, "replica").stream()
                .map(c -> new Segment(c[0], c[1], Long.parseLong(c[2]), Long.parseLong(c[3]), Long.parseLong(c[4])))
                .toList();
    }

    private static List<String[]> rows(String out, String firstHeader) {
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith(firstHeader)) {
            throw new AssertionError("unexpected listing:\n" + out);
        }
        return lines.subList(1, lines.size()).stream().map(l -> l.trim().split("\\s{2,}")).toList();
    }
}

package io.walship.protocol;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object names of a Litestream v0.3 replica, relative to the replica root:
 * {@code generations/<gen>/snapshots/<index>.snapshot.lz4} and
 * {@code generations/<gen>/wal/<index>_<offset>.wal.lz4}. Names that do not match are ignored when listing,
 * exactly as Litestream ignores them.
 */
public final class ReplicaLayout {
    private ReplicaLayout() {
    }

    /** Litestream's highest index; reaching it forces a new generation. */
    public static final long MAX_INDEX = 0x7fffffffL;

    public static final String GENERATIONS = "generations";
    private static final Pattern GENERATION = Pattern.compile("^[0-9a-f]{16}$");
    private static final Pattern SNAPSHOT = Pattern.compile("^([0-9a-f]{8})\\.snapshot\\.lz4$");
    private static final Pattern SEGMENT = Pattern.compile("^([0-9a-f]{8})_([0-9a-f]{8})\\.wal\\.lz4$");

    public static boolean isGeneration(String name) {
        return name != null && GENERATION.matcher(name).matches();
    }

    public static String generationDir(String generation) {
        requireGeneration(generation);
        return GENERATIONS + "/" + generation;
    }

    public static String snapshotsDir(String generation) {
        return generationDir(generation) + "/snapshots";
    }

    public static String walDir(String generation) {
        return generationDir(generation) + "/wal";
    }

    public static String snapshotPath(String generation, long index) {
        return snapshotsDir(generation) + "/" + snapshotName(index);
    }

    public static String walSegmentPath(String generation, long index, long offset) {
        return walDir(generation) + "/" + walSegmentName(index, offset);
    }

    public static String snapshotName(long index) {
        return hex8(index) + ".snapshot.lz4";
    }

    public static String walSegmentName(long index, long offset) {
        return hex8(index) + "_" + hex8(offset) + ".wal.lz4";
    }

    /** The index of a snapshot file name, or -1 if the name is not one. */
    public static long parseSnapshotName(String name) {
        Matcher m = SNAPSHOT.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1), 16) : -1;
    }

    /** {index, offset} of a WAL segment file name, or null if the name is not one. */
    public static long[] parseWalSegmentName(String name) {
        Matcher m = SEGMENT.matcher(name);
        return m.matches() ? new long[] {Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16)} : null;
    }

    /** Indexes and offsets are 8 hex digits; a larger value would print 9 and be invisible to Litestream. */
    public static String hex8(long v) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException("value out of 32-bit range for replica names: " + v);
        }
        return String.format(Locale.ROOT, "%08x", v);
    }

    public static void requireGeneration(String generation) {
        if (!isGeneration(generation)) {
            throw new IllegalArgumentException("invalid generation name " + (generation == null ? "(none)"
                    : MessageText.quote(generation)) + ": expected 16 lowercase hex characters");
        }
    }
}

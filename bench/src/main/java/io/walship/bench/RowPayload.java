package io.walship.bench;

import java.util.SplittableRandom;

/**
 * Bytes that compress about as well as typical table data (LZ4 roughly 2:1): each 64-byte run is half random
 * bytes, half a repeated byte. Used for the databases the suite builds and for the micro benchmarks' buffers.
 */
public final class RowPayload {
    private static final int RUN = 64;

    private RowPayload() {
    }

    public static void fill(byte[] b, int off, int len, SplittableRandom random) {
        for (int i = 0; i < len; i++) {
            int inRun = i % RUN;
            b[off + i] = inRun < RUN / 2 ? (byte) random.nextInt(256) : (byte) (inRun & 0x7);
        }
    }

    public static byte[] of(int len, long seed) {
        byte[] b = new byte[len];
        fill(b, 0, len, new SplittableRandom(seed));
        return b;
    }
}

package io.walship.protocol;

/**
 * SQLite's WAL checksum: a running pair of 32-bit sums over 8-byte units. The chain is cumulative, so a
 * frame's checksum depends on every frame before it in the same WAL life.
 *
 * @param s0 first word
 * @param s1 second word
 */
public record WalChecksum(int s0, int s1) {

    public static final WalChecksum ZERO = new WalChecksum(0, 0);

    /** Continues this checksum over {@code len} bytes of {@code data}; {@code len} must be a multiple of 8. */
    public WalChecksum update(boolean bigEndian, byte[] data, int off, int len) {
        if ((len & 7) != 0) {
            throw new IllegalArgumentException("checksum length must be a multiple of 8, got " + len);
        }
        int a = s0;
        int b = s1;
        int end = off + len;
        if (bigEndian) {
            for (int i = off; i < end; i += 8) {
                a += Bytes.getIntBE(data, i) + b;
                b += Bytes.getIntBE(data, i + 4) + a;
            }
        } else {
            for (int i = off; i < end; i += 8) {
                a += Bytes.getIntLE(data, i) + b;
                b += Bytes.getIntLE(data, i + 4) + a;
            }
        }
        return new WalChecksum(a, b);
    }

    // Written out: a record's generated equals and hashCode are linked through invokedynamic on first use, which
    // cost a restore about 70 ms (it compares every frame's checksum) and stay slower under the C1-only one-shot JVM.
    @Override
    public boolean equals(Object o) {
        return o instanceof WalChecksum c && c.s0 == s0 && c.s1 == s1;
    }

    @Override
    public int hashCode() {
        return 31 * s0 + s1;
    }
}

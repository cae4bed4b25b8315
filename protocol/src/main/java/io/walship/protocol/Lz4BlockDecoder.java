package io.walship.protocol;

/**
 * A bounds-checked LZ4 block decoder that lets matches reach back before the block's own output, into the
 * previous block's tail. Linked-block frames need that; lz4-java's decompressors cannot do it.
 */
final class Lz4BlockDecoder {
    private Lz4BlockDecoder() {
    }

    /**
     * Decodes {@code src[srcOff, srcOff+srcLen)} into {@code dst} from {@code dstOff}, never writing at or past
     * {@code dstLimit} and never reading history before {@code dstFloor}.
     *
     * @return the number of bytes written, or -1 if the block is malformed
     */
    static int decode(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLimit, int dstFloor) {
        int s = srcOff;
        int sEnd = srcOff + srcLen;
        int d = dstOff;
        while (s < sEnd) {
            int token = src[s++] & 0xff;
            int literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (s >= sEnd) {
                        return -1;
                    }
                    b = src[s++] & 0xff;
                    literals += b;
                } while (b == 255);
            }
            if (literals > sEnd - s || literals > dstLimit - d) {
                return -1;
            }
            System.arraycopy(src, s, dst, d, literals);
            s += literals;
            d += literals;
            if (s == sEnd) {
                break;
            }
            if (sEnd - s < 2) {
                return -1;
            }
            int offset = (src[s] & 0xff) | ((src[s + 1] & 0xff) << 8);
            s += 2;
            if (offset == 0 || d - offset < dstFloor) {
                return -1;
            }
            int matchLen = token & 0x0f;
            if (matchLen == 15) {
                int b;
                do {
                    if (s >= sEnd) {
                        return -1;
                    }
                    b = src[s++] & 0xff;
                    matchLen += b;
                } while (b == 255);
            }
            matchLen += 4;
            if (matchLen > dstLimit - d) {
                return -1;
            }
            int from = d - offset;
            if (offset >= matchLen) {
                System.arraycopy(dst, from, dst, d, matchLen);
                d += matchLen;
            } else {
                for (int i = 0; i < matchLen; i++) {
                    dst[d++] = dst[from + i];
                }
            }
        }
        return d - dstOff;
    }
}

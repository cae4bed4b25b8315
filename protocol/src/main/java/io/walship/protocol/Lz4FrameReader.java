package io.walship.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Decodes one standard LZ4 frame (skippable frames before it allowed) as a stream, accepting every option
 * Litestream's reader accepts: independent or linked blocks, 64 KiB to 4 MiB blocks, optional content size,
 * block and content checksums. Litestream reads only the first frame of an object and silently drops the
 * rest; bytes after the frame are reported here as corruption instead.
 */
public final class Lz4FrameReader extends InputStream {
    private static final int MAGIC = 0x184D2204;
    private static final int SKIPPABLE_MASK = 0xFFFFFFF0;
    private static final int SKIPPABLE_MAGIC = 0x184D2A50;
    private static final int WINDOW = 64 * 1024;

    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHash32 XXH32 = XXHashFactory.fastestInstance().hash32();

    private final InputStream in;
    private final String source;
    private final Lz4Buffers buffers;
    private boolean independent;
    private boolean blockChecksum;
    private boolean contentChecksum;
    private boolean hasContentSize;
    /** The frame's declared content size (unsigned) when {@link #hasContentSize}. */
    private long contentSize;
    private int maxBlock;
    private StreamingXXHash32 contentHash;
    /** Decoded data; in linked mode the first WINDOW bytes hold the tail of the previous block. */
    private byte[] buf;
    private int bufStart;
    private int pos;
    private int limit;
    /** Bytes of previous output kept in front of bufStart (linked mode). */
    private int history;
    private long produced;
    private boolean finished;

    /**
     * @param in     the compressed object
     * @param source what the bytes are (an object name), for error messages
     */
    public Lz4FrameReader(InputStream in, String source) throws IOException {
        this(in, source, new Lz4Buffers());
    }

    /** Decodes into {@code buffers}, which this reader owns until it is done with the frame. */
    public Lz4FrameReader(InputStream in, String source, Lz4Buffers buffers) throws IOException {
        this.in = in;
        this.source = source;
        this.buffers = buffers;
        readHeader();
    }

    private void readHeader() throws IOException {
        int magic;
        while (true) {
            magic = readIntLE("frame magic");
            if ((magic & SKIPPABLE_MASK) == SKIPPABLE_MAGIC) {
                long skip = readIntLE("skippable frame size") & 0xffffffffL;
                try {
                    in.skipNBytes(skip);
                } catch (EOFException e) {
                    throw truncated("a skippable frame of " + skip + " bytes");
                }
                continue;
            }
            break;
        }
        if (magic != MAGIC) {
            throw corrupt(String.format("not an LZ4 frame (magic 0x%08x)", magic));
        }
        byte[] desc = new byte[14];
        readFully(desc, 0, 2, "frame descriptor");
        int flg = desc[0] & 0xff;
        int bd = desc[1] & 0xff;
        if ((flg >>> 6) != 1) {
            throw corrupt("unsupported LZ4 frame version " + (flg >>> 6));
        }
        if ((flg & 0x02) != 0 || (bd & 0x8f) != 0) {
            throw corrupt("reserved bits set in LZ4 frame descriptor");
        }
        independent = (flg & 0x20) != 0;
        blockChecksum = (flg & 0x10) != 0;
        hasContentSize = (flg & 0x08) != 0;
        contentChecksum = (flg & 0x04) != 0;
        boolean hasDict = (flg & 0x01) != 0;
        int sizeId = (bd >>> 4) & 7;
        if (sizeId < 4) {
            throw corrupt("invalid LZ4 block size id " + sizeId);
        }
        maxBlock = 1 << (8 + 2 * sizeId);
        int n = 2;
        if (hasContentSize) {
            readFully(desc, n, 8, "content size");
            long size = 0;
            for (int i = 7; i >= 0; i--) {
                size = (size << 8) | (desc[n + i] & 0xff);
            }
            contentSize = size;
            n += 8;
        }
        if (hasDict) {
            throw corrupt("LZ4 frames with a dictionary id are not supported");
        }
        int hc = readByte("header checksum");
        int expected = (XXH32.hash(desc, 0, n, 0) >>> 8) & 0xff;
        if (hc != expected) {
            throw corrupt("LZ4 frame header checksum mismatch");
        }
        buf = buffers.decoded(independent ? maxBlock : WINDOW + maxBlock);
        bufStart = independent ? 0 : WINDOW;
        pos = limit = bufStart;
        if (contentChecksum) {
            contentHash = XXHashFactory.fastestInstance().newStreamingHash32(0);
        }
    }

    private boolean nextBlock() throws IOException {
        if (finished) {
            return false;
        }
        int word = readIntLE("block size");
        if (word == 0) {
            finish();
            return false;
        }
        boolean stored = (word & 0x80000000) != 0;
        int size = word & 0x7fffffff;
        if (size > maxBlock) {
            throw corrupt("LZ4 block of " + size + " bytes exceeds the frame's block size " + maxBlock);
        }
        byte[] compressed = buffers.compressed(size, maxBlock);
        readFully(compressed, 0, size, "block data");
        if (blockChecksum) {
            int sum = readIntLE("block checksum");
            if (sum != XXH32.hash(compressed, 0, size, 0)) {
                throw corrupt("LZ4 block checksum mismatch");
            }
        }
        if (!independent) {
            slideWindow();
        }
        int n;
        if (stored) {
            System.arraycopy(compressed, 0, buf, bufStart, size);
            n = size;
        } else if (independent) {
            try {
                n = DECOMPRESSOR.decompress(compressed, 0, size, buf, 0, maxBlock);
            } catch (LZ4Exception e) {
                throw corrupt("malformed LZ4 block");
            }
        } else {
            n = Lz4BlockDecoder.decode(compressed, 0, size, buf, bufStart, bufStart + maxBlock, bufStart - history);
            if (n < 0) {
                throw corrupt("malformed LZ4 block");
            }
        }
        if (contentHash != null) {
            contentHash.update(buf, bufStart, n);
        }
        produced += n;
        pos = bufStart;
        limit = bufStart + n;
        return true;
    }

    /** Linked blocks may copy from the previous 64 KiB of output: keep it in front of the next block. */
    private void slideWindow() {
        int prevLen = limit - bufStart;
        if (prevLen <= 0 && history == 0) {
            return;
        }
        if (prevLen >= WINDOW) {
            System.arraycopy(buf, limit - WINDOW, buf, 0, WINDOW);
            history = WINDOW;
        } else {
            int keepOld = Math.min(history, WINDOW - prevLen);
            System.arraycopy(buf, bufStart - keepOld, buf, WINDOW - prevLen - keepOld, keepOld);
            System.arraycopy(buf, bufStart, buf, WINDOW - prevLen, prevLen);
            history = keepOld + prevLen;
        }
    }

    private void finish() throws IOException {
        finished = true;
        if (contentChecksum) {
            int sum = readIntLE("content checksum");
            if (sum != contentHash.getValue()) {
                throw corrupt("LZ4 content checksum mismatch");
            }
        }
        if (hasContentSize && contentSize != produced) {
            throw corrupt("LZ4 content size mismatch: header says " + Long.toUnsignedString(contentSize) + ", decoded "
                    + produced);
        }
        if (in.read() != -1) {
            throw corrupt("trailing bytes after the LZ4 frame (Litestream would silently ignore them)");
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pos >= limit) {
            if (!nextBlock()) {
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads the whole frame into memory; for objects known to be small (WAL segments, tests). */
    public static byte[] decompress(byte[] frame, String source) throws IOException {
        try (Lz4FrameReader r = new Lz4FrameReader(new java.io.ByteArrayInputStream(frame), source)) {
            return r.readAllBytes();
        }
    }

    private int readByte(String what) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw truncated(what);
        }
        return b;
    }

    private int readIntLE(String what) throws IOException {
        byte[] b = new byte[4];
        readFully(b, 0, 4, what);
        return Bytes.getIntLE(b, 0);
    }

    private void readFully(byte[] b, int off, int len, String what) throws IOException {
        int n = in.readNBytes(b, off, len);
        if (n < len) {
            throw truncated(what);
        }
    }

    private IOException truncated(String what) {
        return new EOFException(source + ": truncated LZ4 frame (unexpected end while reading " + what + ")");
    }

    private IOException corrupt(String what) {
        return new Lz4FormatException(source + ": " + what);
    }

    /** Corrupt or unsupported LZ4 data. */
    public static final class Lz4FormatException extends IOException {
        public Lz4FormatException(String message) {
            super(message);
        }
    }
}

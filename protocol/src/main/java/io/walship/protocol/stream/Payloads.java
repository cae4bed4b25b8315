package io.walship.protocol.stream;

import com.google.protobuf.UnsafeByteOperations;
import io.walship.protocol.stream.proto.Compression;
import io.walship.protocol.stream.proto.Payload;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/** Builds and opens {@link Payload}s: optional LZ4 block compression and a CRC-32C of the decompressed bytes. */
public final class Payloads {
    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();

    private Payloads() {
    }

    /**
     * A payload of {@code b[off, off+len)}; with {@code compress} it is LZ4-compressed if that makes it smaller.
     * The bytes are wrapped, not copied: the caller must not change them afterwards.
     */
    public static Payload of(byte[] b, int off, int len, boolean compress) {
        Payload.Builder p = Payload.newBuilder().setLength(len).setCrc32C(crc32c(b, off, len));
        if (compress && len > 0) {
            byte[] packed = new byte[COMPRESSOR.maxCompressedLength(len)];
            int n = COMPRESSOR.compress(b, off, len, packed, 0, packed.length);
            if (n < len) {
                return p.setCompression(Compression.COMPRESSION_LZ4_BLOCK)
                        .setData(UnsafeByteOperations.unsafeWrap(packed, 0, n)).build();
            }
        }
        return p.setCompression(Compression.COMPRESSION_NONE).setData(UnsafeByteOperations.unsafeWrap(b, off, len))
                .build();
    }

    /** The verified decompressed bytes of {@code p}; {@code maxLength} bounds what a record may claim. */
    public static byte[] open(Payload p, int maxLength) throws StreamFormatException {
        int len = p.getLength();
        if (len < 0 || len > maxLength) {
            throw new StreamFormatException("payload length " + Integer.toUnsignedString(len) + " exceeds the limit "
                    + maxLength);
        }
        byte[] out;
        switch (p.getCompression()) {
            case COMPRESSION_NONE -> {
                if (p.getData().size() != len) {
                    throw new StreamFormatException("payload holds " + p.getData().size() + " bytes but says " + len);
                }
                out = p.getData().toByteArray();
            }
            case COMPRESSION_LZ4_BLOCK -> {
                byte[] src = p.getData().toByteArray();
                out = new byte[len];
                int n;
                try {
                    n = DECOMPRESSOR.decompress(src, 0, src.length, out, 0, len);
                } catch (LZ4Exception e) {
                    throw new StreamFormatException("payload is not a valid LZ4 block of at most " + len + " bytes", e);
                }
                if (n != len) {
                    throw new StreamFormatException("LZ4 payload decompressed to " + n + " bytes, expected " + len);
                }
            }
            default -> throw new StreamFormatException("unknown payload compression " + p.getCompressionValue());
        }
        int crc = crc32c(out, 0, len);
        if (crc != p.getCrc32C()) {
            throw new StreamFormatException(String.format("payload checksum mismatch: CRC-32C is %08x, record says %08x",
                    crc, p.getCrc32C()));
        }
        return out;
    }

    public static int crc32c(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}

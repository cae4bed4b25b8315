package io.walship.protocol.stream;

import io.walship.protocol.Pos;
import io.walship.protocol.stream.proto.Position;
import java.util.Locale;

/** Converts between {@link Pos} and the wire {@link Position} (generation as an unsigned 64-bit number). */
public final class StreamPositions {
    private StreamPositions() {
    }

    public static Position toProto(Pos p) {
        return Position.newBuilder()
                .setGeneration(Long.parseUnsignedLong(p.generation(), 16))
                .setIndex(p.index())
                .setOffset(p.offset())
                .build();
    }

    public static Pos fromProto(Position p) throws StreamFormatException {
        if (p.getIndex() < 0 || p.getOffset() < 0) {
            throw new StreamFormatException("position index/offset beyond 2^63: " + Long.toUnsignedString(p.getIndex())
                    + ":" + Long.toUnsignedString(p.getOffset()));
        }
        return new Pos(String.format(Locale.ROOT, "%016x", p.getGeneration()), p.getIndex(), p.getOffset());
    }
}

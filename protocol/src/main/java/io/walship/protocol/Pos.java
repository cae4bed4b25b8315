package io.walship.protocol;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in a database's replicated WAL stream: generation, WAL index (one life of the WAL) and byte
 * offset within that index's WAL, pointing just after a committed transaction.
 * Text form {@code GENERATION/INDEX:OFFSET} with 16 hex digits each (interface.md).
 */
public record Pos(String generation, long index, long offset) implements Comparable<Pos> {

    private static final Pattern TEXT = Pattern.compile("^([0-9a-f]{16})/([0-9a-f]{16}):([0-9a-f]{16})$");

    public Pos {
        ReplicaLayout.requireGeneration(generation);
        if (index < 0 || offset < 0) {
            throw new IllegalArgumentException("negative index or offset in position");
        }
    }

    public static Pos parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("position is missing");
        }
        Matcher m = TEXT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid position " + MessageText.quote(text.strip())
                    + ": expected GENERATION/INDEX:OFFSET with 16 lowercase hex digits each");
        }
        return new Pos(m.group(1), Long.parseUnsignedLong(m.group(2), 16), Long.parseUnsignedLong(m.group(3), 16));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s/%016x:%016x", generation, index, offset);
    }

    /** Litestream's log form, {@code gen/index(8 hex):offset(decimal)}. */
    public String toLitestreamString() {
        return generation + "/" + ReplicaLayout.hex8(index) + ":" + offset;
    }

    /** Orders positions of the same generation; positions of different generations are not comparable. */
    @Override
    public int compareTo(Pos o) {
        if (!generation.equals(o.generation)) {
            throw new IllegalArgumentException("positions of different generations are not ordered: " + this + " vs " + o);
        }
        int c = Long.compare(index, o.index);
        return c != 0 ? c : Long.compare(offset, o.offset);
    }
}

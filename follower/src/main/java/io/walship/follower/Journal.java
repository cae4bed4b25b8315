package io.walship.follower;

import io.walship.protocol.Pos;
import io.walship.protocol.WalChecksum;
import io.walship.protocol.WalFormatException;
import io.walship.protocol.WalHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The follower's private journal ({@code key=value} lines; only this class knows the format). It is replaced
 * atomically without a rename: the file has two fixed slots, each write goes to the slot not holding the newest
 * record, with a sequence number and a CRC, and is made durable with one fdatasync. A write torn by a crash fails
 * its CRC and the other slot, the previous record, stands, just as an interrupted temp-file-and-rename would leave
 * the old file. That saves the rename's directory fsync on every apply.
 */
final class Journal {
    private static final int SLOT = 4096;
    private static final int HEADER = 20;
    private static final int MAGIC = 0x57534a31; // "WSJ1"

    private final Path path;
    private final StepListener steps;
    private long sequence = -1;

    Journal(Path path, StepListener steps) {
        this.path = path;
        this.steps = steps;
    }

    Optional<JournalState> read() throws IOException {
        String text = readNewestSlot();
        if (text == null) {
            return Optional.empty();
        }
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && eq < line.length() - 1) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            return Optional.of(new JournalState(pos(m, "applied"), header(m.get("primary-header")),
                    chain(m.get("primary-chain")), m.containsKey("local") ? LocalWalState.decode(m.get("local")) : null,
                    pos(m, "staged"), spool(m.get("staged-spool")), pos(m, "pending-start"), pos(m, "pending"),
                    spool(m.get("pending-spool")),
                    m.containsKey("resync") ? ResyncReason.valueOf(m.get("resync")) : null, pos(m, "floor")));
        } catch (IllegalArgumentException | WalFormatException e) {
            throw new IOException(path + ": damaged journal: " + e.getMessage(), e);
        }
    }

    void write(JournalState s) throws IOException {
        StringBuilder b = new StringBuilder();
        put(b, "applied", s.applied());
        put(b, "primary-header", s.primaryHeader() == null ? null : HexFormat.of().formatHex(s.primaryHeader().toBytes()));
        put(b, "primary-chain", s.primaryChain() == null ? null
                : Integer.toUnsignedString(s.primaryChain().s0(), 16) + ":" + Integer.toUnsignedString(s.primaryChain().s1(), 16));
        put(b, "local", s.local() == null ? null : s.local().encode());
        put(b, "staged", s.staged());
        put(b, "staged-spool", s.stagedSpool() == null ? null : s.stagedSpool().encode());
        put(b, "pending-start", s.pendingStart());
        put(b, "pending", s.pending());
        put(b, "pending-spool", s.pendingSpool() == null ? null : s.pendingSpool().encode());
        put(b, "resync", s.resync());
        put(b, "floor", s.floor());
        writeSlot(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The newest intact record's text, or null when there is no journal (or it was created but never written). */
    private String readNewestSlot() throws IOException {
        byte[] file;
        try {
            file = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        }
        String newest = null;
        long newestSeq = -1;
        boolean anyData = false;
        for (int slot = 0; slot < 2; slot++) {
            int at = slot * SLOT;
            if (file.length < at + HEADER) {
                continue;
            }
            ByteBuffer h = ByteBuffer.wrap(file, at, HEADER);
            int magic = h.getInt();
            long seq = h.getLong();
            int len = h.getInt();
            int crc = h.getInt();
            anyData |= magic != 0 || seq != 0;
            if (magic != MAGIC || len < 0 || len > SLOT - HEADER || file.length < at + HEADER + len) {
                continue;
            }
            CRC32 c = new CRC32();
            c.update(file, at + HEADER, len);
            if ((int) c.getValue() == crc && seq > newestSeq) {
                newestSeq = seq;
                newest = new String(file, at + HEADER, len, StandardCharsets.UTF_8);
            }
        }
        if (newest == null && anyData) {
            throw new IOException(path + ": damaged journal: no intact record");
        }
        sequence = newestSeq;
        return newest;
    }

    private void writeSlot(byte[] text) throws IOException {
        if (text.length > SLOT - HEADER) {
            throw new IOException(path + ": journal record of " + text.length + " bytes is too large");
        }
        boolean created = !Files.exists(path);
        long seq = ++sequence;
        CRC32 c = new CRC32();
        c.update(text);
        ByteBuffer rec = ByteBuffer.allocate(HEADER + text.length);
        rec.putInt(MAGIC).putLong(seq).putInt(text.length).putInt((int) c.getValue()).put(text).flip();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            AtomicFiles.writeFully(ch, rec, (seq % 2) * SLOT);
            ch.force(false);
        }
        steps.reached(ApplyStep.TEMP_FILE_WRITTEN);
        if (created) {
            AtomicFiles.syncDirectory(path.toAbsolutePath().getParent());
        }
    }

    private static void put(StringBuilder b, String key, Object value) {
        if (value != null) {
            b.append(key).append('=').append(value).append('\n');
        }
    }

    private static Pos pos(Map<String, String> m, String key) {
        String v = m.get(key);
        return v == null ? null : Pos.parse(v);
    }

    private static WalHeader header(String hex) throws WalFormatException {
        return hex == null ? null : WalHeader.parse(HexFormat.of().parseHex(hex));
    }

    private static WalChecksum chain(String text) {
        if (text == null) {
            return null;
        }
        String[] f = text.split(":");
        if (f.length != 2) {
            throw new IllegalArgumentException("bad checksum '" + text + "'");
        }
        return new WalChecksum(Integer.parseUnsignedInt(f[0], 16), Integer.parseUnsignedInt(f[1], 16));
    }

    private static SpoolInfo spool(String text) {
        return text == null ? null : SpoolInfo.decode(text);
    }
}

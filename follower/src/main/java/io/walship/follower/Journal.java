package io.walship.follower;

import io.walship.protocol.Pos;
import io.walship.protocol.WalChecksum;
import io.walship.protocol.WalFormatException;
import io.walship.protocol.WalHeader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and atomically replaces the journal file ({@code key=value} lines). It is private to the follower: only
 * this class knows its format, which may change between versions.
 */
final class Journal {
    private final Path path;
    private final StepListener steps;

    Journal(Path path, StepListener steps) {
        this.path = path;
        this.steps = steps;
    }

    Optional<JournalState> read() throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
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
        AtomicFiles.replace(path, b.toString().getBytes(StandardCharsets.UTF_8), steps);
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

package io.walship.primary.archive;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The object {@value #NAME} at a replica's root: which daemon writes the replica, and until when its claim holds
 * unless refreshed. Plain {@code key=value} lines so an operator can read it with {@code cat}. Litestream lists only
 * {@code generations/} and never sees it.
 *
 * @param database the database path the owner replicates into this replica
 * @param expires  when the claim lapses if the owner stops refreshing it (heartbeat plus the owner's own time-to-live)
 */
record OwnerMarker(String id, String host, long pid, String database, Instant heartbeat, Instant expires) {
    static final String NAME = "walship-owner";

    static OwnerMarker of(DaemonIdentity self, String database, Instant now, Duration ttl) {
        return new OwnerMarker(self.id(), self.host(), self.pid(), database, now, now.plus(ttl));
    }

    byte[] toBytes() {
        return ("# walship: the daemon below writes this replica; another one refuses to while it is fresh\n"
                + "id=" + id + "\nhost=" + host + "\npid=" + pid + "\ndatabase=" + database
                + "\nheartbeat=" + heartbeat + "\nexpires=" + expires + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The marker in {@code body}, or null if it is not one (damaged, or written by something else). */
    static OwnerMarker parse(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        String id = fields.get("id");
        String heartbeat = fields.get("heartbeat");
        String expires = fields.get("expires");
        if (id == null || id.isEmpty() || heartbeat == null || expires == null) {
            return null;
        }
        try {
            return new OwnerMarker(id, fields.getOrDefault("host", "?"), Long.parseLong(fields.getOrDefault("pid", "-1")),
                    fields.getOrDefault("database", "?"), Instant.parse(heartbeat), Instant.parse(expires));
        } catch (NumberFormatException | DateTimeParseException e) {
            return null;
        }
    }

    boolean ownedBy(DaemonIdentity daemon) {
        return id.equals(daemon.id());
    }
}

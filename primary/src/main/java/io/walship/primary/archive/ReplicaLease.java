package io.walship.primary.archive;

import io.walship.primary.replica.ReplicaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon's claim on one replica, held through the {@link OwnerMarker} at the replica root, so that two daemons
 * pointed at the same replica path never interleave generations (each would take the other's generation for a lost
 * one, and retention would delete it). The owner refreshes the marker every {@link #REFRESH} while it syncs; a second
 * daemon refuses to start while the marker is fresh, and takes it over once it has lapsed, or at once when the owner
 * was a process of the same host that no longer runs (a restart after kill -9 or a crash).
 *
 * <p>Race window: creating the first marker is atomic (a hard link; S3's {@code If-None-Match}). Taking over a lapsed
 * one is not: two daemons that do it in the same instant both write, both read back, and the one whose write landed
 * first may read its own marker before the other's lands; it finds out at its next refresh, at most {@link #REFRESH}
 * later, and stops writing. An S3-compatible store that ignores {@code If-None-Match} leaves the same window for the
 * first marker. Claims expire by wall-clock time, so hosts sharing a replica need clocks within a few seconds.
 */
public final class ReplicaLease {
    private static final Logger log = LoggerFactory.getLogger(ReplicaLease.class);

    /**
     * How often the owner rewrites its marker: a GET and a PUT each time, so once a minute keeps a daemon's S3
     * requests at Litestream's (which has no marker) for a steady workload.
     */
    static final Duration REFRESH = Duration.ofSeconds(60);
    /** A claim lapses after this many refresh intervals (or sync intervals, when longer) without a refresh. */
    static final int MISSED_REFRESHES = 5;

    private final ReplicaClient client;
    private final DaemonIdentity self;
    private final String database;
    private final Duration ttl;
    /** When the marker was last written; null until the replica could be claimed (it was unreachable at start). */
    private Instant refreshedAt;
    /** Why the claim was lost to another daemon, or null while it holds. */
    private String lost;

    private ReplicaLease(ReplicaClient client, DaemonIdentity self, String database, Duration ttl) {
        this.client = client;
        this.self = self;
        this.database = database;
        this.ttl = ttl;
    }

    /**
     * Claims {@code client}'s replica for {@code self} replicating {@code database}. A replica that cannot be reached
     * now (an outage, a device starting offline) does not stop the daemon, which must capture meanwhile: it is
     * claimed by the first {@link #check} that reaches it, before anything is written to it.
     *
     * @throws ReplicaInUseException if another daemon's claim holds
     */
    public static ReplicaLease acquire(ReplicaClient client, DaemonIdentity self, Path database, Duration syncInterval)
            throws ReplicaInUseException {
        Duration every = syncInterval != null && syncInterval.compareTo(REFRESH) > 0 ? syncInterval : REFRESH;
        ReplicaLease lease = new ReplicaLease(client, self, database.toString(), every.multipliedBy(MISSED_REFRESHES));
        try {
            lease.claim(Instant.now());
        } catch (ReplicaInUseException e) {
            throw e;
        } catch (IOException e) {
            log.warn("{}: cannot check who owns the replica yet ({}); it is claimed before the first upload",
                    client.describe(), e.getMessage());
        }
        return lease;
    }

    private synchronized void claim(Instant now) throws IOException {
        byte[] ours = OwnerMarker.of(self, database, now, ttl).toBytes();
        byte[] existing = client.readObject(OwnerMarker.NAME);
        if (existing == null && client.createObject(OwnerMarker.NAME, ours)) {
            refreshedAt = now;
            return;
        }
        if (existing == null) {
            existing = client.readObject(OwnerMarker.NAME);
        }
        OwnerMarker current = existing == null ? null : OwnerMarker.parse(existing);
        if (current == null && existing != null) {
            throw new ReplicaInUseException(client.describe() + ": " + client.describe(OwnerMarker.NAME) + " is not a"
                    + " walship owner marker; delete it if no other walship daemon writes this replica");
        }
        if (current != null && !current.ownedBy(self)) {
            if (holds(current, now)) {
                throw new ReplicaInUseException(inUse(current, now));
            }
            log.warn("{}: taking over the replica from walship daemon {} on host {} (pid {}, database {}): {}",
                    client.describe(), current.id(), current.host(), current.pid(), current.database(),
                    now.isAfter(current.expires()) ? "its claim lapsed at " + current.expires()
                            : "that process no longer runs on this host");
        }
        client.writeObject(OwnerMarker.NAME, ours);
        OwnerMarker after = OwnerMarker.parse(nonNull(client.readObject(OwnerMarker.NAME)));
        if (after == null || !after.ownedBy(self)) {
            throw new ReplicaInUseException(after == null ? client.describe() + ": another daemon is claiming the replica"
                    + " at the same time" : inUse(after, now));
        }
        refreshedAt = now;
    }

    /** A claim holds until it expires, unless its owner was a process of this host that is gone (or is us). */
    private boolean holds(OwnerMarker m, Instant now) {
        if (now.isAfter(m.expires())) {
            return false;
        }
        boolean thisHost = m.host().equals(self.host());
        return !(thisHost && (m.pid() == self.pid() || !DaemonIdentity.processAlive(m.pid())));
    }

    /**
     * Called before every write to the replica: refreshes the marker when due, and fails for good once another daemon
     * has taken the replica over (this daemon then never writes to it again).
     */
    public void check() throws IOException {
        check(Instant.now());
    }

    synchronized void check(Instant now) throws IOException {
        if (lost != null) {
            throw new ReplicaInUseException(lost);
        }
        if (refreshedAt == null) {
            try {
                claim(now);
            } catch (ReplicaInUseException e) {
                lost = e.getMessage() + "; this daemon does not write to it";
                log.error("{}", lost);
                throw new ReplicaInUseException(lost);
            }
            return;
        }
        if (Duration.between(refreshedAt, now).compareTo(REFRESH) < 0) {
            return;
        }
        byte[] existing = client.readObject(OwnerMarker.NAME);
        OwnerMarker current = existing == null ? null : OwnerMarker.parse(existing);
        if (existing != null && (current == null || !current.ownedBy(self))) {
            lost = (current == null ? client.describe() + ": the owner marker was replaced by something else"
                    : client.describe() + ": the replica was taken over by walship daemon " + current.id() + " on host "
                    + current.host() + " (pid " + current.pid() + ", database " + current.database() + ")")
                    + "; this daemon no longer writes to it (restart it once the other daemon has stopped)";
            log.error("{}", lost);
            throw new ReplicaInUseException(lost);
        }
        client.writeObject(OwnerMarker.NAME, OwnerMarker.of(self, database, now, ttl).toBytes());
        refreshedAt = now;
    }

    /** Removes the marker if it is still ours, so the next daemon starts at once; failures are only logged. */
    public synchronized void release() {
        if (lost != null || refreshedAt == null) {
            return;
        }
        try {
            byte[] existing = client.readObject(OwnerMarker.NAME);
            OwnerMarker current = existing == null ? null : OwnerMarker.parse(existing);
            if (current != null && current.ownedBy(self)) {
                client.deleteObject(OwnerMarker.NAME);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("{}: cannot remove the owner marker: {}", client.describe(), e.getMessage());
        }
    }

    private String inUse(OwnerMarker m, Instant now) {
        long ago = Math.max(0, Duration.between(m.heartbeat(), now).toSeconds());
        return client.describe() + ": replica is in use by another walship daemon (id " + m.id() + " on host " + m.host()
                + ", pid " + m.pid() + ", database " + m.database() + ", last heartbeat " + ago + " s ago); two daemons"
                + " on one replica would interleave generations. Stop the other daemon; if it is gone, its claim lapses"
                + " at " + m.expires() + " and is then taken over, or delete " + client.describe(OwnerMarker.NAME);
    }

    private static byte[] nonNull(byte[] b) {
        return b == null ? new byte[0] : b;
    }
}

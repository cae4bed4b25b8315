package io.walship.primary.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.primary.replica.FileReplicaClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two daemons on one replica directory: the owner marker decides who writes. */
class ReplicaLeaseTest {
    private static final Duration SYNC = Duration.ofSeconds(1);
    private static final DaemonIdentity ELSEWHERE = new DaemonIdentity("00000000000000aa", "other-host", 4242);

    @TempDir
    Path dir;

    private FileReplicaClient replica() {
        return new FileReplicaClient(dir.resolve("replica"));
    }

    private ReplicaLease acquire(DaemonIdentity who) throws Exception {
        return ReplicaLease.acquire(replica(), who, dir.resolve("app.db"), SYNC);
    }

    private OwnerMarker marker() throws Exception {
        return OwnerMarker.parse(Files.readAllBytes(dir.resolve("replica").resolve(OwnerMarker.NAME)));
    }

    private void writeMarker(DaemonIdentity who, Instant heartbeat) throws Exception {
        Files.createDirectories(dir.resolve("replica"));
        Files.write(dir.resolve("replica").resolve(OwnerMarker.NAME),
                OwnerMarker.of(who, "/elsewhere/app.db", heartbeat, Duration.ofMinutes(1)).toBytes());
    }

    @Test
    void aSecondDaemonIsRefusedWithTheOwnerNamed() throws Exception {
        acquire(ELSEWHERE);
        DaemonIdentity me = DaemonIdentity.current();
        assertThatThrownBy(() -> acquire(me)).isInstanceOf(ReplicaInUseException.class)
                .hasMessageStartingWith("file://" + dir.resolve("replica") + ": replica is in use by another walship daemon")
                .hasMessageContaining("id 00000000000000aa on host other-host, pid 4242")
                .hasMessageEndingWith("or delete file://" + dir.resolve("replica").resolve("walship-owner"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(marker().ownedBy(ELSEWHERE)).isTrue();
    }

    @Test
    void aLapsedClaimIsTakenOver() throws Exception {
        writeMarker(ELSEWHERE, Instant.now().minus(Duration.ofMinutes(5)));
        DaemonIdentity me = DaemonIdentity.current();
        acquire(me);
        assertThat(marker().ownedBy(me)).isTrue();
        assertThat(marker().database()).isEqualTo(dir.resolve("app.db").toString());
        assertThat(marker().expires()).isAfter(Instant.now().plus(Duration.ofSeconds(50)));
    }

    @Test
    void aDeadProcessOfThisHostIsTakenOverAtOnce() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        DaemonIdentity me = DaemonIdentity.current();
        writeMarker(new DaemonIdentity("00000000000000bb", me.host(), gone.pid()), Instant.now());
        acquire(me);
        assertThat(marker().ownedBy(me)).isTrue();
    }

    @Test
    void aLiveProcessOfThisHostKeepsItsClaim() throws Exception {
        Process alive = new ProcessBuilder("sleep", "60").start();
        try {
            DaemonIdentity me = DaemonIdentity.current();
            writeMarker(new DaemonIdentity("00000000000000cc", me.host(), alive.pid()), Instant.now());
            assertThatThrownBy(() -> acquire(me)).isInstanceOf(ReplicaInUseException.class)
                    .hasMessageContaining("pid " + alive.pid());
        } finally {
            alive.destroyForcibly().waitFor();
        }
    }

    @Test
    void theOwnerRefreshesItsMarkerAndStopsForGoodOnceTakenOver() throws Exception {
        DaemonIdentity me = DaemonIdentity.current();
        ReplicaLease lease = acquire(me);
        Instant first = marker().heartbeat();
        lease.check(Instant.now());
        assertThat(marker().heartbeat()).as("not due yet").isEqualTo(first);
        Instant later = Instant.now().plus(ReplicaLease.REFRESH);
        lease.check(later);
        assertThat(marker().heartbeat()).isEqualTo(later);

        writeMarker(ELSEWHERE, Instant.now());
        Instant muchLater = later.plus(ReplicaLease.REFRESH);
        assertThatThrownBy(() -> lease.check(muchLater)).isInstanceOf(ReplicaInUseException.class)
                .hasMessageContaining("taken over by walship daemon 00000000000000aa on host other-host");
        assertThatThrownBy(lease::check).as("lost for good").isInstanceOf(ReplicaInUseException.class);
        lease.release();
        assertThat(marker().ownedBy(ELSEWHERE)).as("the new owner's marker stays").isTrue();
    }

    @Test
    void releaseLetsTheNextDaemonStartAtOnce() throws Exception {
        acquire(ELSEWHERE).release();
        assertThat(dir.resolve("replica").resolve(OwnerMarker.NAME)).doesNotExist();
        DaemonIdentity me = DaemonIdentity.current();
        acquire(me);
        assertThat(marker().ownedBy(me)).isTrue();
    }

    /** A daemon starting during an outage must capture meanwhile; it claims the replica before its first upload. */
    @Test
    void anUnreachableReplicaIsClaimedByTheFirstCheckThatReachesIt() throws Exception {
        SwitchableReplica replica = new SwitchableReplica(dir.resolve("replica"));
        replica.down = true;
        DaemonIdentity me = DaemonIdentity.current();
        ReplicaLease lease = ReplicaLease.acquire(replica, me, dir.resolve("app.db"), SYNC);
        assertThatThrownBy(lease::check).isInstanceOf(IOException.class).isNotInstanceOf(ReplicaInUseException.class);
        replica.down = false;
        lease.check();
        assertThat(marker().ownedBy(me)).isTrue();
    }

    @Test
    void anUnreachableReplicaOwnedByAnotherDaemonIsNeverWritten() throws Exception {
        writeMarker(ELSEWHERE, Instant.now());
        SwitchableReplica replica = new SwitchableReplica(dir.resolve("replica"));
        replica.down = true;
        ReplicaLease lease = ReplicaLease.acquire(replica, DaemonIdentity.current(), dir.resolve("app.db"), SYNC);
        replica.down = false;
        assertThatThrownBy(lease::check).isInstanceOf(ReplicaInUseException.class)
                .hasMessageContaining("id 00000000000000aa on host other-host")
                .hasMessageEndingWith("; this daemon does not write to it");
        assertThatThrownBy(lease::check).isInstanceOf(ReplicaInUseException.class);
        lease.release();
        assertThat(marker().ownedBy(ELSEWHERE)).isTrue();
    }

    @Test
    void somethingElseUnderTheMarkerNameIsRefused() throws Exception {
        Files.createDirectories(dir.resolve("replica"));
        Files.writeString(dir.resolve("replica").resolve(OwnerMarker.NAME), "hello", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> acquire(DaemonIdentity.current())).isInstanceOf(ReplicaInUseException.class)
                .hasMessageContaining("is not a walship owner marker");
    }
}

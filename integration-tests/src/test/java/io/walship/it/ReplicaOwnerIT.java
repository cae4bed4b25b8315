package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.embeddeds3.EmbeddedS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code walship replicate} daemons, each with its own database, pointed at one replica path: the second is
 * refused while the first runs (exit 1, one line naming the owner), starts once the first has stopped, and a daemon
 * killed with -9 is taken over at once by the next one on its host. The owner marker beside {@code generations/}
 * never stops {@code litestream restore}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReplicaOwnerIT {
    private static final String BUCKET = "backups";
    private static final String ACCESS = "AKIAWALSHIPTEST";
    private static final String SECRET = "walship-test-secret-0123456789";
    private static final String MARKER = "walship-owner";

    @TempDir
    Path dir;

    /** How to start a daemon for one database, restore the replica with litestream, and see the marker. */
    private interface Replica {
        String[] replicateArgs(Path db) throws Exception;

        Path litestreamRestore(Path db, Path out) throws Exception;

        boolean hasMarker();
    }

    @Test
    void fileReplica() throws Exception {
        Path replica = dir.resolve("replica");
        String url = WalshipProcess.fileUrl(replica);
        LitestreamBinary litestream = LitestreamBinary.locate();
        Files.createDirectories(replica);
        Instant longAgo = Instant.now().minus(Duration.ofHours(1));
        Files.writeString(replica.resolve(MARKER), "id=00000000000000aa\nhost=old-host\npid=1\ndatabase=/old.db\n"
                + "heartbeat=" + longAgo + "\nexpires=" + longAgo.plusSeconds(60) + "\n", StandardCharsets.UTF_8);
        scenario(new Replica() {
            @Override
            public String[] replicateArgs(Path db) {
                return new String[] {"replicate", db.toString(), url};
            }

            @Override
            public Path litestreamRestore(Path db, Path out) {
                litestream.restore(url, out);
                return out;
            }

            @Override
            public boolean hasMarker() {
                return Files.exists(replica.resolve(MARKER));
            }
        }, "its claim lapsed");
    }

    @Test
    void s3Replica() throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        try (EmbeddedS3 s3 = EmbeddedS3.start(ACCESS, SECRET)) {
            s3.createBucket(BUCKET);
            scenario(new Replica() {
                @Override
                public String[] replicateArgs(Path db) {
                    return new String[] {"replicate", "-config", config(db).toString()};
                }

                @Override
                public Path litestreamRestore(Path db, Path out) {
                    litestream.restoreWithConfig(config(db), db, out);
                    return out;
                }

                @Override
                public boolean hasMarker() {
                    return s3.keys(BUCKET).contains("shared/app.db/" + MARKER);
                }

                private Path config(Path db) {
                    return LitestreamBinary.writeConfig(dir.resolve(db.getFileName() + ".yml"),
                            LitestreamConfig.s3(db, s3.endpoint().toString(), BUCKET, "shared/app.db", ACCESS, SECRET));
                }
            }, null);
        }
    }

    /** @param takeoverAtFirstStart what the first daemon logs when it takes over a lapsed marker, or null if none */
    private void scenario(Replica replica, String takeoverAtFirstStart) throws Exception {
        Path dbA = dir.resolve("a.db");
        Path dbB = dir.resolve("b.db");
        try (SqliteFixture a = SqliteFixture.create(dbA, 4096); SqliteFixture b = SqliteFixture.create(dbB, 4096)) {
            insert(a, "from a", 1);
            insert(b, "from b", 1);
            RunningProcess first = WalshipProcess.start(replica.replicateArgs(dbA));
            try (first) {
                first.awaitLine(l -> l.contains("msg=\"replicating "), WalshipProcess.TIMEOUT);
                if (takeoverAtFirstStart != null) {
                    first.awaitLine(l -> l.contains("taking over the replica") && l.contains(takeoverAtFirstStart),
                            WalshipProcess.TIMEOUT);
                }
                assertThat(replica.hasMarker()).isTrue();

                ProcessResult refused = WalshipProcess.run(replica.replicateArgs(dbB));
                assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
                assertThat(refused.stderrLines()).as(refused.describe()).hasSize(1);
                assertThat(refused.stderrLines().get(0)).as(refused.describe())
                        .contains("replica is in use by another walship daemon")
                        .contains("pid " + first.pid())
                        .contains("database " + dbA)
                        .contains("or delete ").contains(MARKER);

                insert(a, "more from a", 50);
                first.assertAlive();
                DbCompare.awaitRestoredEquals(a.connection(), WalshipProcess.TIMEOUT,
                        attempt -> replica.litestreamRestore(dbA, dir.resolve("a-restored-" + attempt + ".db")));
                assertThat(first.terminate(WalshipProcess.TIMEOUT).exitCode()).isZero();
            }
            assertThat(replica.hasMarker()).as("a clean stop removes the marker").isFalse();

            RunningProcess second = WalshipProcess.start(replica.replicateArgs(dbB));
            try (second) {
                second.awaitLine(l -> l.contains("msg=\"replicating "), WalshipProcess.TIMEOUT);
                insert(b, "more from b", 50);
                DbCompare.awaitRestoredEquals(b.connection(), WalshipProcess.TIMEOUT,
                        attempt -> replica.litestreamRestore(dbB, dir.resolve("b-restored-" + attempt + ".db")));
                second.kill();
            }
            assertThat(replica.hasMarker()).as("kill -9 leaves the marker").isTrue();

            try (RunningProcess again = WalshipProcess.start(replica.replicateArgs(dbA))) {
                again.awaitLine(l -> l.contains("taking over the replica")
                        && l.contains("that process no longer runs on this host"), WalshipProcess.TIMEOUT);
                insert(a, "after the takeover", 5);
                DbCompare.awaitRestoredEquals(a.connection(), WalshipProcess.TIMEOUT,
                        attempt -> replica.litestreamRestore(dbA, dir.resolve("a-again-" + attempt + ".db")));
                assertThat(again.terminate(WalshipProcess.TIMEOUT).exitCode()).isZero();
            }
        }
    }

    private static void insert(SqliteFixture db, String what, int rows) throws Exception {
        SqliteFixture.exec(db.connection(), "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)");
        for (int i = 0; i < rows; i++) {
            SqliteFixture.exec(db.connection(), "INSERT INTO t (v) VALUES ('" + what + " " + i + "')");
        }
    }
}

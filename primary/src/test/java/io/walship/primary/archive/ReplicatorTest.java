package io.walship.primary.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.FileReplicaClient;
import io.walship.primary.replica.ReplicaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicatorTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseDeletedAndCreatedAgainIsCapturedAfreshInANewGeneration() throws Exception {
        Path db = dir.resolve("app.db");
        Path replicaDir = dir.resolve("replica");
        createDb(db, "first");
        try (Replicator replicator = new Replicator(ReplicaClients::open)) {
            String first = replicator.add(DbConfig.of(db, List.of(ReplicaConfig.ofUrl("file://" + replicaDir))))
                    .db().position().generation();
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.delete(Path.of(db + suffix));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> replicator.entries().isEmpty());
            Thread.sleep(1500); // the reopen retries meanwhile
            createDb(db, "second");
            FileReplicaClient replica = new FileReplicaClient(replicaDir);
            await().atMost(Duration.ofSeconds(10)).until(() -> replica.generations().size() == 2);
            assertThat(replicator.entries()).hasSize(1);
            assertThat(replicator.entries().get(0).db().position().generation()).isNotEqualTo(first);
            assertThat(replicator.remove(db)).isTrue();
            assertThat(replicator.entries()).isEmpty();
            assertThat(replicator.remove(db)).isFalse();
        }
    }

    private static void createDb(Path db, String value) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE t (v)");
            st.execute("INSERT INTO t VALUES ('" + value + "')");
        }
    }

    @Test
    void snapshotsOnGenerationStartAndEverySnapshotInterval() throws Exception {
        Path db = dir.resolve("app.db");
        Path replicaDir = dir.resolve("replica");
        ReplicaConfig rc = new ReplicaConfig(null, null, "file://" + replicaDir, null, null, null, null, null, false,
                null, null, Duration.ofMillis(100), Duration.ofSeconds(1), ReplicaConfig.DEFAULT_RETENTION,
                ReplicaConfig.DEFAULT_RETENTION_CHECK_INTERVAL, Duration.ZERO);
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE t (v)");
            try (Replicator replicator = new Replicator(ReplicaClients::open)) {
                Replicator.Entry entry = replicator.add(DbConfig.of(db, List.of(rc)));
                FileReplicaClient replica = new FileReplicaClient(replicaDir);
                String gen = entry.db().position().generation();
                await().atMost(Duration.ofSeconds(10)).until(() -> replica.snapshots(gen).size() == 1);
                Instant first = replica.snapshots(gen).get(0).createdAt();
                for (int i = 0; i < 20; i++) {
                    st.execute("INSERT INTO t VALUES (" + i + ")");
                    Thread.sleep(100);
                }
                // Without a checkpoint the index stays 0, so each interval snapshot replaces 00000000.snapshot.lz4
                // (as in Litestream): a newer creation time shows the timer fired.
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        replica.snapshots(gen).stream().anyMatch(x -> x.createdAt().isAfter(first)));
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        entry.db().position().equals(entry.workers().get(0).position()));
                assertThat(entry.workers().get(0).position()).isEqualTo(entry.db().position());
            }
        }
    }
}

package io.walship.primary.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walship.primary.config.Config;
import io.walship.primary.config.ConfigLoader;
import io.walship.primary.replica.FileReplicaClient;
import io.walship.primary.replica.ReplicaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseDiscoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void capturesNewFilesAndDropsVanishedOnes() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path replicas = tmp.resolve("replicas");
        createDb(data.resolve("a.db"));
        createDb(data.resolve("explicit.db"));
        createDb(Files.createDirectories(data.resolve("sub")).resolve("b.db"));
        Files.writeString(data.resolve("notes.db"), "not a database, though its name matches");
        Files.createFile(data.resolve("empty.db"));
        Config cfg = new ConfigLoader(Map.of(), Path.of("/nonexistent"), Path.of("/nonexistent")).parse("""
                dbs:
                  - path: %1$s/explicit.db
                  - dir: %1$s
                    pattern: "*.db"
                    recursive: true
                    scan-interval: 100ms
                    replica: {url: "file://%2$s"}
                """.formatted(data, replicas), "test.yml", false);

        try (Replicator replicator = new Replicator(ReplicaClients::open)) {
            replicator.add(cfg.dbs().get(0));
            try (DatabaseDiscovery discovery = DatabaseDiscovery.start(replicator, cfg.dirs(),
                    Set.of(data.resolve("explicit.db")))) {
                assertThat(names(replicator)).containsExactlyInAnyOrder("explicit.db", "a.db", "sub/b.db");
                assertThat(discovery.started()).containsExactlyInAnyOrder(data.resolve("a.db"), data.resolve("sub/b.db"));
                await().atMost(WAIT).until(() -> !new FileReplicaClient(replicas.resolve("sub/b.db")).generations().isEmpty());

                createDb(data.resolve("empty.db"));
                createDb(data.resolve("new.db"));
                await().atMost(WAIT).until(() -> names(replicator).containsAll(Set.of("empty.db", "new.db")));
                await().atMost(WAIT).until(() -> !new FileReplicaClient(replicas.resolve("new.db")).generations().isEmpty());

                for (String suffix : new String[] {"", "-wal", "-shm"}) {
                    Files.deleteIfExists(data.resolve("a.db" + suffix));
                }
                // The capture loop may retire the vanished file before the next scan drops it: wait for both.
                await().atMost(WAIT).until(() -> !names(replicator).contains("a.db")
                        && !discovery.started().contains(data.resolve("a.db")));

                createDb(data.resolve("a.db"));
                await().atMost(WAIT).until(() -> names(replicator).contains("a.db"));
                assertThat(names(replicator)).containsExactlyInAnyOrder("explicit.db", "a.db", "sub/b.db", "empty.db",
                        "new.db");
                assertThat(replicator.entries()).hasSize(5);
            }
        }
    }

    @Test
    void updateStopsDatabasesNoLongerCovered() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        createDb(data.resolve("a.db"));
        createDb(data.resolve("b.sqlite"));
        ConfigLoader loader = new ConfigLoader(Map.of(), Path.of("/nonexistent"), Path.of("/nonexistent"));
        String yaml = "dbs:\n  - dir: " + data + "\n    pattern: \"%s\"\n";
        try (Replicator replicator = new Replicator(ReplicaClients::open);
                DatabaseDiscovery discovery = DatabaseDiscovery.start(replicator,
                        loader.parse(yaml.formatted("*.db"), "test.yml", false).dirs(), Set.of())) {
            assertThat(names(replicator)).containsExactly("a.db");
            discovery.update(loader.parse(yaml.formatted("*.sqlite"), "test.yml", false).dirs(), Set.of());
            assertThat(names(replicator)).containsExactly("b.sqlite");
        }
    }

    private static Set<String> names(Replicator replicator) {
        return replicator.entries().stream().map(e -> e.db().config().effectiveName()).collect(Collectors.toSet());
    }

    private static void createDb(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE t (v)");
            st.execute("INSERT INTO t VALUES (1)");
        }
    }
}

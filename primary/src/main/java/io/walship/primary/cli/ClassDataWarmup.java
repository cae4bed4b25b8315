package io.walship.primary.cli;

import io.walship.primary.config.ConfigLoader;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.ReplicaClients;
import io.walship.protocol.Lz4FrameWriter;
import io.walship.protocol.ReplicaLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Not a command: bin/walship runs it once per build with {@code -XX:ArchiveClassesAtExit} so that one-shot
 * commands map the classes they need from that archive instead of loading and verifying them on every start.
 * It goes through what a restore goes through: a real restore from a small directory replica it writes, and a
 * listing and a download from an S3 replica whose endpoint refuses the connection (which loads the S3 client
 * without a network).
 * Only the classes matter: the launcher discards what the commands print.
 */
public final class ClassDataWarmup {
    private static final String GENERATION = "0000000000000001";

    private ClassDataWarmup() {
    }

    public static void main(String[] args) throws Exception {
        run(Files.createTempDirectory("walship-warmup"));
    }

    /** Warms up in {@code dir}, which it deletes. */
    static void run(Path dir) throws Exception {
        try {
            Path db = dir.resolve("app.db");
            Path replica = dir.resolve("replica");
            writeReplica(db, replica);
            Path config = Files.writeString(dir.resolve("walship.yml"), """
                    dbs:
                      - path: %1$s
                        replicas:
                          - type: file
                            path: %2$s
                      - path: %1$s-s3
                        replicas:
                          - type: s3
                            endpoint: http://127.0.0.1:1
                            bucket: warmup
                            path: app.db
                            region: us-east-1
                            force-path-style: true
                            access-key-id: warmup
                            secret-access-key: warmup-secret
                    """.formatted(db, replica));
            int restored = Main.run("restore", "-config", config.toString(), "-o", dir.resolve("restored.db").toString(),
                    db.toString());
            if (restored != 0) {
                // An archive without the restore's classes would be kept for the whole build: better none.
                throw new IllegalStateException("warm-up restore failed with status " + restored);
            }
            // Both fail (connection refused) once the S3 client's classes for a listing and a download are in.
            Main.run("generations", "-config", config.toString(), db + "-s3");
            ReplicaConfig s3 = new ConfigLoader().load(config, false).dbs().get(1).replicas().get(0);
            try (ReplicaClient client = ReplicaClients.open(s3); InputStream in = client.openSnapshot(GENERATION, 0)) {
                in.read();
            } catch (Exception refused) {
                // As intended: nothing listens there.
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** A snapshot of a one-table database, as Litestream lays it out. */
    private static void writeReplica(Path db, Path replica) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (x)");
            st.execute("INSERT INTO t VALUES (1)");
        }
        Path snapshot = replica.resolve(ReplicaLayout.snapshotPath(GENERATION, 0));
        Files.createDirectories(snapshot.getParent());
        Files.write(snapshot, Lz4FrameWriter.compress(Files.readAllBytes(db)));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

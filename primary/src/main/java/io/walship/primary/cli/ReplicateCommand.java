package io.walship.primary.cli;

import io.walship.primary.archive.Replicator;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.FileReplicaClient;
import io.walship.primary.replica.ReplicaClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code walship replicate DB_PATH REPLICA_URL...}: the primary daemon. Captures the WAL and archives it to every
 * replica until SIGTERM/SIGINT, then does a final sync and exits 0.
 */
@Command(name = "replicate", description = "Capture a database's WAL and archive it to replicas (the primary daemon).")
final class ReplicateCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReplicateCommand.class);

    @Parameters(index = "0", paramLabel = "DB_PATH", description = "database to replicate")
    Path dbPath;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "REPLICA_URL", description = "file:///dir or s3://bucket/path")
    List<String> replicaUrls = new ArrayList<>();

    @Override
    public void run() {
        List<ReplicaConfig> replicas = replicaUrls.stream().map(ReplicaConfig::ofUrl).toList();
        for (ReplicaConfig rc : replicas) {
            openClient(rc).close(); // validate every URL before starting anything
        }
        DbConfig db = DbConfig.of(dbPath, replicas);
        Replicator replicator = new Replicator(ReplicateCommand::openClient);
        try {
            replicator.add(db);
        } catch (IOException e) {
            throw new UserException(Main.describe(e), e);
        }
        // Registered only once running: a failed start must exit 1 without a shutdown log.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("signal received, walship shutting down");
            boolean synced = replicator.syncAll();
            // SQLite connections stay open: closing the last one would checkpoint and delete the WAL,
            // forcing a new generation at the next start. The process exit releases them without that.
            replicator.stop();
            log.info("walship shut down");
            stopped.countDown();
            // A JVM ended by a signal exits 128+signal (143); the contract is a clean exit 0 after the final sync.
            Runtime.getRuntime().halt(synced ? 0 : 1);
        }, "walship-shutdown"));
        log.info("replicating {} to {}", db.path(), String.join(", ", replicaUrls));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Opens a replica client for a config-less URL. */
    static ReplicaClient openClient(ReplicaConfig rc) {
        URI uri;
        try {
            uri = new URI(rc.url());
        } catch (Exception e) {
            throw UserException.usage("invalid replica URL '" + rc.url() + "': " + e.getMessage());
        }
        if ("file".equals(uri.getScheme()) && uri.getPath() != null && uri.getPath().startsWith("/")) {
            return new FileReplicaClient(Path.of(uri.getPath()));
        }
        throw UserException.usage("unsupported replica URL '" + rc.url() + "': expected file:///absolute/dir or s3://bucket/path");
    }
}

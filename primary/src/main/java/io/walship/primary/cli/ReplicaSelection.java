package io.walship.primary.cli;

import io.walship.primary.config.Config;
import io.walship.primary.config.ConfigException;
import io.walship.primary.config.ConfigPaths;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.ReplicaClients;
import io.walship.primary.replica.ReplicaUrl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the listing commands ({@code generations}, {@code snapshots}, {@code wal}) read: either a replica URL,
 * or a database looked up in the config file with all its replicas or the one named by {@code -replica}.
 */
final class ReplicaSelection {
    @Mixin
    ConfigOptions config;

    @Option(names = {"-replica", "--replica"}, paramLabel = "NAME", description = "Only this replica of the database.")
    String replicaName;

    @Parameters(index = "0", paramLabel = "DB_PATH|REPLICA_URL",
            description = "A database in the config file, or a replica URL (file:///DIR, s3://BUCKET/PATH).")
    String target;

    /** A replica to list, under the name listings show for it. */
    record Named(String name, ReplicaConfig config) {
    }

    /**
     * The replicas selected, and the time {@code generations} measures lag against: now for a URL; for a
     * database, when it or its WAL last changed (now if it does not exist here).
     */
    record Resolved(List<Named> replicas, Instant lagReference) {
    }

    /** Lists one replica; failures are reported per replica so the others still list. */
    @FunctionalInterface
    interface Lister {
        void list(String name, ReplicaClient client) throws IOException;
    }

    Resolved resolve() {
        if (ReplicaUrl.isUrl(target)) {
            if (config.given()) {
                throw UserException.usage("cannot specify a replica URL and the -config flag");
            }
            ReplicaConfig rc = ReplicaClients.fromUrl(target);
            return new Resolved(List.of(new Named(ReplicaClients.displayName(rc), rc)), Instant.now());
        }
        Config cfg = config.load();
        Path path = ConfigPaths.expand(target);
        DbConfig db = cfg.db(path).orElseThrow(() -> UserException.usage("database not found in config: " + path));
        List<Named> replicas = db.replicas().stream()
                .map(rc -> new Named(ReplicaClients.displayName(rc), rc))
                .filter(n -> replicaName == null || replicaName.isEmpty() || n.name().equals(replicaName))
                .limit(replicaName == null || replicaName.isEmpty() ? Long.MAX_VALUE : 1)
                .toList();
        if (replicas.isEmpty() && replicaName != null && !replicaName.isEmpty()) {
            throw UserException.usage("replica \"" + replicaName + "\" not found for database \"" + db.path() + "\"");
        }
        return new Resolved(replicas, updatedAt(db.path()));
    }

    /**
     * Opens each replica in turn and lists it. A replica that fails is reported as one line on {@code err} and
     * skipped, as Litestream does; the result is then 1 instead of 0.
     */
    static int forEach(Resolved resolved, PrintWriter err, Lister lister) {
        int status = 0;
        for (Named n : resolved.replicas()) {
            try (ReplicaClient client = ReplicaClients.open(n.config())) {
                lister.list(n.name(), client);
            } catch (IOException | ConfigException | UserException e) {
                err.println("walship: replica \"" + n.name() + "\": " + Main.describe(e));
                err.flush();
                status = 1;
            }
        }
        return status;
    }

    private static Instant updatedAt(Path db) {
        try {
            Instant t = Files.getLastModifiedTime(db).toInstant();
            Path wal = db.resolveSibling(db.getFileName() + "-wal");
            if (Files.exists(wal)) {
                Instant w = Files.getLastModifiedTime(wal).toInstant();
                t = w.isAfter(t) ? w : t;
            }
            return t;
        } catch (NoSuchFileException e) {
            return Instant.now();
        } catch (IOException e) {
            throw new UserException("cannot stat " + db + ": " + e.getMessage(), e);
        }
    }
}

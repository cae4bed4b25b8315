package io.walship.primary.cli;

import io.walship.primary.config.Config;
import io.walship.primary.config.ConfigPaths;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.ReplicaClients;
import io.walship.primary.replica.ReplicaUrl;
import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.restore.NoMatchingBackupsException;
import io.walship.primary.restore.ReplicaListing;
import io.walship.primary.restore.RestoreCriteria;
import io.walship.primary.restore.RestoreProgress;
import io.walship.primary.restore.RestorePlanner;
import io.walship.primary.restore.RestoreTarget;
import io.walship.primary.restore.Restorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code walship restore}: rebuilds a database from a replica, with Litestream v0.3.13's flags and outcomes
 * (replica-format.md §8), except that usage errors exit 2.
 */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a database from a replica (Litestream v0.3-compatible).")
final class RestoreCommand implements Runnable {
    private static final Pattern HEX = Pattern.compile("^[0-9a-fA-F]+$");
    /** Go's time.RFC3339 layout: seconds required, optional fraction, {@code Z} or a {@code ±hh:mm} offset. */
    private static final Pattern RFC3339 =
            Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$");
    private static final long MAX_INDEX = 0x7fffffffL;

    @Mixin
    ConfigOptions config;

    @Option(names = {"-o", "--o"}, paramLabel = "PATH", description = "Output path (required with a replica URL; default: the database path).")
    Path output;

    @Option(names = {"-replica", "--replica"}, paramLabel = "NAME", description = "Restore from this replica only.")
    String replica;

    @Option(names = {"-generation", "--generation"}, paramLabel = "NAME", description = "Restore from this generation only.")
    String generation;

    @Option(names = {"-index", "--index"}, paramLabel = "HEX", description = "Restore up to this WAL index (hex, inclusive).")
    String index;

    @Option(names = {"-timestamp", "--timestamp"}, paramLabel = "RFC3339", description = "Restore the state as of this time.")
    String timestamp;

    @Option(names = {"-if-db-not-exists", "--if-db-not-exists"}, description = "Succeed without restoring if the output exists.")
    boolean ifDbNotExists;

    @Option(names = {"-if-replica-exists", "--if-replica-exists"}, description = "Succeed without restoring if no backup matches.")
    boolean ifReplicaExists;

    @Option(names = {"-parallelism", "--parallelism"}, paramLabel = "N", description = "Concurrent downloads (default 8).")
    int parallelism = Restorer.DEFAULT_PARALLELISM;

    @Parameters(arity = "0..*", paramLabel = "DB_PATH|REPLICA_URL")
    List<String> args = new ArrayList<>();

    /**
     * Where to restore from.
     *
     * @param defaultOutput output when {@code -o} is absent (the configured database path), or null for a URL
     * @param replicas      replica name → open client, in configuration order
     */
    record ReplicaSource(Path defaultOutput, Map<String, ReplicaClient> replicas) {
    }

    @Override
    public void run() {
        if (args.isEmpty()) {
            throw UserException.usage("database path or replica URL required");
        }
        if (args.size() > 1) {
            throw UserException.usage("too many arguments");
        }
        String source = args.get(0);
        RestoreCriteria criteria = criteria();
        if (parallelism < 1) {
            throw UserException.usage("-parallelism must be at least 1");
        }
        if (isUrl(source)) {
            if (config.given()) {
                throw UserException.usage("cannot specify a replica URL and the -config flag");
            }
            if (output == null) {
                throw UserException.usage("output path required");
            }
        }
        ReplicaSource from = resolveSource(source);
        try {
            restore(from, criteria);
        } finally {
            from.replicas().values().forEach(ReplicaClient::close);
        }
    }

    private void restore(ReplicaSource from, RestoreCriteria criteria) {
        Path out = (output != null ? output : from.defaultOutput()).toAbsolutePath().normalize();
        if (ifDbNotExists && Files.exists(out)) {
            System.out.println("database already exists, skipping");
            return;
        }
        try {
            List<ReplicaListing> listings = new ArrayList<>();
            for (Map.Entry<String, ReplicaClient> r : from.replicas().entrySet()) {
                if (criteria.replica() == null || criteria.replica().equals(r.getKey())) {
                    listings.add(ReplicaListing.load(r.getKey(), r.getValue(), criteria.generation()));
                }
            }
            RestoreTarget target;
            try {
                target = RestorePlanner.plan(listings, criteria);
            } catch (NoMatchingBackupsException e) {
                if (ifReplicaExists) {
                    System.out.println("no matching backups found");
                    return;
                }
                throw e;
            }
            try (RestoreProgress progress = RestoreProgress.forConsole()) {
                new Restorer(parallelism, progress).restore(from.replicas().get(target.replica()), target, out);
            }
        } catch (IOException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    private RestoreCriteria criteria() {
        long idx = RestoreCriteria.NO_INDEX;
        if (index != null) {
            idx = parseIndex(index);
        }
        Instant ts = null;
        if (timestamp != null) {
            ts = parseTimestamp(timestamp);
        }
        if (idx != RestoreCriteria.NO_INDEX && ts != null) {
            throw UserException.usage("cannot specify index & timestamp to restore");
        }
        // A URL names exactly one replica, so -replica only filters configured ones (as in Litestream).
        String replicaFilter = args.isEmpty() || isUrl(args.get(0)) ? null : replica;
        return new RestoreCriteria(replicaFilter, generation, idx, ts);
    }

    /** Hex like Go's {@code strconv.ParseUint(s, 16, 32)}: no {@code 0x} prefix, leading zeros fine. */
    static long parseIndex(String s) {
        String digits = s.replaceFirst("^0+(?=.)", "");
        if (!HEX.matcher(s).matches() || digits.length() > 8) {
            throw UserException.usage("invalid value \"" + s + "\" for flag -index: invalid hexadecimal format");
        }
        long v = Long.parseLong(digits, 16);
        if (v > MAX_INDEX) {
            throw UserException.usage("invalid value \"" + s + "\" for flag -index: index too large (maximum 7fffffff)");
        }
        return v;
    }

    static Instant parseTimestamp(String s) {
        try {
            if (RFC3339.matcher(s).matches()) {
                return OffsetDateTime.parse(s).toInstant();
            }
        } catch (DateTimeParseException e) {
            // Shape right, values wrong (month 13): same message as any other bad timestamp.
        }
        throw UserException.usage("invalid -timestamp, must specify in ISO 8601 format (e.g. 2000-01-01T00:00:00Z)");
    }

    private static boolean isUrl(String s) {
        return ReplicaUrl.isUrl(s);
    }

    /** The replica a URL names, or every replica of a database in the configuration file. */
    private ReplicaSource resolveSource(String source) {
        Map<String, ReplicaClient> replicas = new LinkedHashMap<>();
        if (isUrl(source)) {
            ReplicaConfig rc = ReplicaClients.fromUrl(source);
            replicas.put(ReplicaClients.displayName(rc), ReplicaClients.open(rc));
            return new ReplicaSource(null, replicas);
        }
        Config cfg = config.load();
        Path path = ConfigPaths.expand(source);
        DbConfig db = cfg.db(path).orElseThrow(() -> UserException.usage("database not found in config: " + path));
        for (ReplicaConfig rc : db.replicas()) {
            replicas.putIfAbsent(ReplicaClients.displayName(rc), ReplicaClients.open(rc));
        }
        return new ReplicaSource(db.path(), replicas);
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.restore.RestoreCriteria;
import io.walship.primary.restore.RestorePlanner;
import io.walship.primary.restore.RestoreProgress;
import io.walship.primary.restore.RestoreTarget;
import io.walship.primary.restore.Restorer;
import io.walship.protocol.Pos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The archive's side of a fault round: a restore of the replica (by walship in this JVM, by the walship CLI, or by
 * litestream v0.3.13) is a committed prefix of the {@link Ledger} that holds at least the transaction
 * {@link CommitPositions} maps the primary's reported archived position to, and no more than the application
 * committed; {@code integrity_check} ok. Restored copies are deleted once checked.
 */
final class ArchiveCheck {
    /** The restores here are checked, not watched. */
    private static final RestoreProgress QUIET = new RestoreProgress() {
        @Override
        public void start(RestoreTarget target, Path out) {
        }

        @Override
        public void downloaded(long bytes) {
        }

        @Override
        public void phase(String description) {
        }

        @Override
        public void close() {
        }
    };

    private final Path dir;
    private final long seed;
    private final CommitPositions positions;
    private int restores;

    ArchiveCheck(Path dir, long seed, CommitPositions positions) {
        this.dir = dir;
        this.seed = seed;
        this.positions = positions;
    }

    /**
     * Restores with {@code restore}; returns the restored transaction count. {@code committing}: the highest
     * transaction the application may have committed ({@link Ledger#committing()}).
     */
    long check(String when, Pos archived, LongSupplier committing, DbCompare.Restore restore) throws Exception {
        long promised = positions.visibleAt(archived);
        Path out = restore.to(restores++);
        long k = Ledger.verifyPrefix(out, seed);
        long limit = committing.getAsLong();
        assertThat(k).as("%s: the primary reported %s archived, which holds transaction %d; the restore has %d", when,
                archived, promised, k).isGreaterThanOrEqualTo(promised);
        assertThat(k).as("%s: restored transaction %d, the application committed only up to %d", when, k, limit)
                .isLessThanOrEqualTo(limit);
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(out.resolveSibling(out.getFileName() + suffix));
        }
        return k;
    }

    /** walship's restore library on an open replica client, as {@code walship restore} runs it. */
    DbCompare.Restore walship(ReplicaClient client) {
        return attempt -> {
            Path out = output(attempt, "walship");
            new Restorer(2, QUIET).restore(client, RestorePlanner.plan(
                    List.of(io.walship.primary.restore.ReplicaListing.load("replica", client, null)),
                    RestoreCriteria.LATEST), out);
            return out;
        };
    }

    /** {@code walship restore -o OUT URL} in its own process, with {@code env} (S3 keys). */
    DbCompare.Restore walshipCli(String replicaUrl, Map<String, String> env) {
        return attempt -> {
            Path out = output(attempt, "walship-cli");
            WalshipProcess.run(env, "restore", "-o", out.toString(), replicaUrl).assertSuccess();
            return out;
        };
    }

    /** {@code litestream restore -o OUT URL} (a directory replica). */
    DbCompare.Restore litestream(LitestreamBinary litestream, String replicaUrl) {
        return attempt -> {
            Path out = output(attempt, "litestream");
            litestream.restore(replicaUrl, out);
            return out;
        };
    }

    /** {@code litestream restore -config FILE -o OUT DB} (an S3 replica, whose endpoint and keys are in the file). */
    DbCompare.Restore litestream(LitestreamBinary litestream, Path config, Path db) {
        return attempt -> {
            Path out = output(attempt, "litestream");
            litestream.restoreWithConfig(config, db, out);
            return out;
        };
    }

    private Path output(int attempt, String by) {
        return dir.resolve("restore-" + attempt + "-" + by + ".db");
    }
}

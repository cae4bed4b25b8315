package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** walship writes the archive, the real litestream v0.3.13 restores it: row-exact, at every page size. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WalshipToLitestreamIT {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {1024, 4096, 65536})
    void litestreamRestoresWhatWalshipArchived(int pageSize) throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        Path db = dir.resolve("app.db");
        String replica = WalshipProcess.fileUrl(dir.resolve("replica"));
        try (SqliteFixture app = SqliteFixture.create(db, pageSize);
                RunningProcess walship = startAfterSchema(app, db, replica)) {
            Workload w = new Workload(app.connection(), pageSize);
            w.steps(30);
            // Bigger than walship's 1000-page checkpoint threshold: it checkpoints and starts the next index.
            w.bigTransaction(1100L * pageSize);
            Thread.sleep(1500);
            w.steps(20);
            w.deleteHalfAndVacuum();
            w.steps(20);

            ProcessResult stopped = walship.terminate(Duration.ofSeconds(30));
            assertThat(stopped.exitCode()).as("SIGTERM: final sync, clean exit 0\n" + stopped.describe()).isZero();

            Path restored = dir.resolve("restored.db");
            litestream.restore(replica, restored);
            DbCompare.assertSameContent(app.connection(), restored);
            try (Connection c = SqliteFixture.open(restored)) {
                assertThat(SqliteFixture.queryInt(c, "PRAGMA page_size")).isEqualTo(pageSize);
            }

            List<ReplicaListing.Segment> wal = litestream.wal(replica);
            assertThat(wal.stream().map(ReplicaListing.Segment::generation).distinct()).hasSize(1);
            long maxIndex = wal.stream().mapToLong(ReplicaListing.Segment::index).max().orElseThrow();
            assertThat(maxIndex).as("the big transaction made walship checkpoint into a new index").isPositive();
            restoreUpToIndex(litestream, replica, wal.get(0).generation(), maxIndex / 2, app.connection());
        }
    }

    /** A point-in-time restore by index stops at a consistent, earlier state of the same database. */
    private void restoreUpToIndex(LitestreamBinary litestream, String replica, String generation, long index,
            Connection source) throws Exception {
        Path out = dir.resolve("restored-at-" + index + ".db");
        litestream.restore(replica, out, "-generation", generation, "-index", Long.toHexString(index));
        DbCompare.assertIntegrityOk(out);
        try (Connection c = SqliteFixture.open(out)) {
            assertThat(DbCompare.tables(c)).isEqualTo(DbCompare.tables(source));
            assertThat(SqliteFixture.queryInt(c, "SELECT max(id) FROM events"))
                    .isLessThanOrEqualTo(SqliteFixture.queryInt(source, "SELECT max(id) FROM events"));
        }
    }

    private static RunningProcess startAfterSchema(SqliteFixture app, Path db, String replica) throws Exception {
        Workload w = new Workload(app.connection(), 1);
        w.createSchema();
        return WalshipProcess.replicate(db, replica);
    }
}

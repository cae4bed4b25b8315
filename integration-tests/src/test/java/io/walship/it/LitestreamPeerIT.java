package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness against the peer alone: litestream replicates to a directory and restores row-exact (S3 on
 * loopback: {@link LitestreamS3PeerIT}). Interop tests rely on these generated configs and the process plumbing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LitestreamPeerIT {
    @TempDir
    Path dir;

    @Test
    void litestreamRoundTripsThroughAFileReplica() throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        Path db = dir.resolve("app.db");
        Path replicaDir = dir.resolve("replica");
        Path config = LitestreamBinary.writeConfig(dir.resolve("litestream.yml"), LitestreamConfig.file(db, replicaDir));
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            replicateWorkload(litestream, app, config);
            Path out = dir.resolve("restored.db");
            litestream.restore(WalshipProcess.fileUrl(replicaDir), out);
            DbCompare.assertSameContent(app.connection(), out);
        }
    }

    static void replicateWorkload(LitestreamBinary litestream, SqliteFixture app, Path config) throws Exception {
        Workload w = new Workload(app.connection(), 99);
        w.createSchema();
        try (RunningProcess replicate = litestream.replicate(config)) {
            // Litestream snapshots on its first sync (after monitor-interval); a stop before that archives nothing.
            replicate.awaitLine(l -> l.contains("snapshot written"), LitestreamBinary.TIMEOUT);
            w.steps(40);
            w.deleteHalfAndVacuum();
            w.steps(10);
            ProcessResult stopped = replicate.terminate(Duration.ofSeconds(30));
            assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        }
    }
}

package io.walship.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The databases and workloads the suite uses, and the fingerprint that checks restored copies. */
class TestDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void sizedDatabaseUpdatesAndCommitsShowInItsFingerprint() throws Exception {
        Path db = dir.resolve("t.db");
        TestDatabase.create(db, 1 << 20);
        assertThat(Files.size(db)).isBetween(1L << 20, 2L << 20);
        Fingerprint created = Fingerprint.of(db);
        assertThat(created.rows()).isEqualTo(1024);
        assertThat(created.versions()).isEqualTo(1024);

        assertThat(TestDatabase.update(db, 1 << 20, 3)).isPositive();
        long commits = CommitLoop.run(db, 0, Duration.ofMillis(100));
        Fingerprint updated = Fingerprint.of(db);
        assertThat(updated.rows()).isEqualTo(created.rows());
        assertThat(updated.versions()).isGreaterThan(created.versions());
        assertThat(updated.appRows()).isEqualTo(commits).isPositive();
        Fingerprint.quickCheck(db);
    }

    @Test
    void pacedLoopsKeepTheirRate() throws Exception {
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        CommitLoop.createDatabase(a);
        CommitLoop.createDatabase(b);
        long commits = CommitLoop.runEach(java.util.List.of(a, b), 20, Duration.ofMillis(500));
        // 20/s for half a second each: about 10 per database (paced, so never many more).
        assertThat(commits).isBetween(2L, 24L);
        assertThat(Daemons.appRows(a) + Daemons.appRows(b)).isEqualTo(commits);
    }

    @Test
    void payloadCompressesLikeTableData() {
        byte[] data = RowPayload.of(1 << 16, 1);
        int compressed = io.walship.protocol.Lz4FrameWriter.compress(data).length;
        assertThat((double) compressed / data.length).isBetween(0.4, 0.75);
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the real launcher: usage errors exit 2, runtime errors exit 1, each as one readable line on
 * stderr without a stack trace (interface.md).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CliErrorsIT {

    @TempDir
    Path dir;

    @Test
    void unknownFlagIsAUsageError() throws Exception {
        Path db = createDb();
        ProcessResult r = WalshipProcess.run("replicate", "-no-such-flag", db.toString(), replicaUrl());
        assertOneLineError(r, 2);
        assertThat(r.stderr()).contains("-no-such-flag");
    }

    @Test
    void malformedReplicaUrlIsAUsageError() throws Exception {
        Path db = createDb();
        assertOneLineError(WalshipProcess.run("replicate", db.toString(), "file://host-without-path"), 2);
        assertOneLineError(WalshipProcess.run("replicate", db.toString(), "file:///bad dir^%"), 2);
        assertOneLineError(WalshipProcess.run("replicate", db.toString(), "nonsense"), 2);
    }

    @Test
    void missingDatabaseIsARuntimeError() {
        Path db = dir.resolve("missing.db");
        ProcessResult r = WalshipProcess.run("replicate", db.toString(), replicaUrl());
        assertOneLineError(r, 1);
        assertThat(r.stderr()).contains(db.toString());
    }

    private Path createDb() throws Exception {
        Path db = dir.resolve("app.db");
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            return app.path();
        }
    }

    private String replicaUrl() {
        return WalshipProcess.fileUrl(dir.resolve("replica"));
    }

    private static void assertOneLineError(ProcessResult r, int exitCode) {
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(exitCode);
        assertThat(r.stderrLines()).as(r.describe()).hasSize(1);
        assertThat(r.stderrLines().get(0)).as(r.describe()).startsWith("walship: ").doesNotContain("Exception");
        assertThat(r.stdout()).as(r.describe()).isEmpty();
    }
}

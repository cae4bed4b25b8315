package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
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
    void unknownLogFormatIsAUsageErrorAndJsonLogsAreOneObjectPerLine() throws Exception {
        Path db = createDb();
        ProcessResult bad = WalshipProcess.run("replicate", "-log-format", "xml", db.toString(), replicaUrl());
        assertOneLineError(bad, 2);
        assertThat(bad.stderr()).contains("'xml'");
        ProcessResult badAddress = WalshipProcess.run("follow", "-log-format", "json", "http://127.0.0.1:1/app.db",
                dir.resolve("f.db").toString(), "-addr", "bad-address");
        assertOneLineError(badAddress, 2);
        try (RunningProcess walship = WalshipProcess.start("replicate", "-log-format", "json", db.toString(), replicaUrl())) {
            walship.awaitLine(l -> l.contains("\"msg\":\"replicating "), WalshipProcess.TIMEOUT);
            ProcessResult stopped = walship.terminate(WalshipProcess.TIMEOUT);
            assertThat(stopped.stderr().lines()).as(stopped.describe()).isNotEmpty()
                    .allMatch(l -> l.startsWith("{\"time\":\"") && l.contains("\"level\":\"INFO\"") && l.endsWith("}"));
        }
    }

    @Test
    void missingDatabaseIsARuntimeError() {
        Path db = dir.resolve("missing.db");
        ProcessResult r = WalshipProcess.run("replicate", db.toString(), replicaUrl());
        assertOneLineError(r, 1);
        assertThat(r.stderr()).contains(db.toString());
    }

    @Test
    void followWithAMalformedUrlIsAUsageError() {
        assertOneLineError(WalshipProcess.run("follow", "not-a-url", dir.resolve("f.db").toString()), 2);
        // a/b names a database in a dir entry; an empty segment names none
        assertOneLineError(WalshipProcess.run("follow", "http://127.0.0.1:1/a//b", dir.resolve("f.db").toString()), 2);
        assertOneLineError(WalshipProcess.run("follow", "ftp://127.0.0.1/app.db", dir.resolve("f.db").toString()), 2);
        // plain HTTP to another machine, refused before any connection
        assertOneLineError(WalshipProcess.run("follow", "http://10.255.255.1:1/app.db", dir.resolve("f.db").toString()), 2);
    }

    @Test
    void followingAnUnknownDatabaseIsARuntimeError() throws Exception {
        Path db = createDb();
        int port = WalshipProcess.freePort();
        try (RunningProcess walship = WalshipProcess.replicateServing(db, replicaUrl(), port)) {
            ProcessResult r = WalshipProcess.run("follow", "http://127.0.0.1:" + port + "/nope.db", dir.resolve("f.db").toString());
            assertOneLineError(r, 1);
            assertThat(r.stderr()).contains("404").contains("nope.db");
        }
    }

    @Test
    void followWithAWrongTokenIsARuntimeErrorAndTheRightOneFollows() throws Exception {
        Path db = createDb();
        int port = WalshipProcess.freePort();
        Path config = dir.resolve("walship.yml");
        Files.writeString(config, "addr: 127.0.0.1:" + port + "\n"
                + "stream:\n  token: s3cret-token\n"
                + "dbs:\n  - path: " + db + "\n    replicas:\n      - url: " + replicaUrl() + "\n");
        try (RunningProcess walship = WalshipProcess.start("replicate", "-config", config.toString())) {
            walship.awaitLine(l -> l.contains("serving followers on"), WalshipProcess.TIMEOUT);
            String url = "http://127.0.0.1:" + port + "/app.db";
            ProcessResult wrong = WalshipProcess.run("follow", "-token", "wrong", url, dir.resolve("f.db").toString());
            assertOneLineError(wrong, 1);
            assertThat(wrong.stderr()).contains("401");
            ProcessResult none = WalshipProcess.run("follow", url, dir.resolve("f.db").toString());
            assertOneLineError(none, 1);
            assertThat(none.stderr()).contains("401");
            Path f = dir.resolve("right.db");
            try (RunningProcess follower = WalshipProcess.follow(url, f, "-token", "s3cret-token")) {
                Convergence.awaitFirstSnapshot(f, WalshipProcess.TIMEOUT, follower::assertAlive);
                assertThat(follower.terminate(WalshipProcess.TIMEOUT).exitCode()).isZero();
            }
        }
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

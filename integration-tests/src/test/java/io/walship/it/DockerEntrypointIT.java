package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker/entrypoint.sh} without Docker: on an empty volume it restores the configured database from its
 * replica, then runs the container's command under {@code replicate -exec} (arguments intact); on a later start
 * the database is already there, so it does not restore again. With no backup yet (a first deployment) it starts
 * from an empty database.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DockerEntrypointIT {
    @TempDir
    Path dir;

    @BeforeEach
    void needsSqliteShell() {
        SqliteShell.require();
    }

    @Test
    void restoresOnceThenRunsTheAppUnderReplicate() throws Exception {
        Path source = dir.resolve("source.db");
        Path replica = dir.resolve("replica");
        try (SqliteFixture app = SqliteFixture.create(source, 4096)) {
            SqliteFixture.exec(app.connection(), "CREATE TABLE t (id INTEGER, note TEXT)");
            SqliteFixture.exec(app.connection(), "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            WalshipProcess.run("replicate", "-exec", "true", source.toString(), WalshipProcess.fileUrl(replica))
                    .assertSuccess();
        }
        Path volume = Files.createDirectories(dir.resolve("volume"));
        Path db = volume.resolve("app.db");
        Path config = dir.resolve("walship.yml");
        Files.writeString(config, LitestreamConfig.file(db, replica));

        Path seen = dir.resolve("seen");
        ProcessResult first = entrypoint(config, "sh", "-c", "sqlite3 \"$0\" 'SELECT count(*) FROM t' > \"$1\"; "
                + "sqlite3 \"$0\" \"INSERT INTO t VALUES (4, 'it''s four')\"", db.toString(), seen.toString());

        assertThat(first.exitCode()).as(first.describe()).isZero();
        assertThat(Files.readString(seen).strip()).as("the app started on the restored data").isEqualTo("3");
        assertThat(first.stdout() + first.stderr()).contains("restore").contains("replicating " + db);

        ProcessResult second = entrypoint(config, "sh", "-c", "sqlite3 \"$0\" 'SELECT note FROM t WHERE id = 4' > \"$1\"",
                db.toString(), seen.toString());

        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(second.stdout()).contains("database already exists, skipping");
        assertThat(Files.readString(seen).strip()).as("the local database was kept, not restored over")
                .isEqualTo("it's four");
    }

    @Test
    void firstDeploymentWithoutABackupStartsFromAnEmptyDatabase() throws Exception {
        Path replica = dir.resolve("replica");
        Path db = dir.resolve("volume/data/app.db");
        Path config = dir.resolve("walship.yml");
        Files.writeString(config, LitestreamConfig.file(db, replica));

        ProcessResult first = entrypoint(config, "sqlite3", db.toString(),
                "CREATE TABLE t (id INTEGER, note TEXT); INSERT INTO t VALUES (1, 'first')");

        assertThat(first.exitCode()).as(first.describe()).isZero();
        Path restored = dir.resolve("restored.db");
        WalshipProcess.run("restore", "-o", restored.toString(), WalshipProcess.fileUrl(replica)).assertSuccess();
        try (Connection c = SqliteFixture.open(restored)) {
            assertThat(SqliteFixture.queryString(c, "SELECT note FROM t")).isEqualTo("first");
        }
    }

    private static ProcessResult entrypoint(Path config, String... command) {
        return ContainerEntrypoint.start(Map.of("WALSHIP_CONFIG", config.toString(),
                "WALSHIP_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC"), List.of(command)).await(WalshipProcess.TIMEOUT);
    }
}

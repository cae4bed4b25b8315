package io.walship.primary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.primary.replica.FileReplicaClient;
import io.walship.protocol.ReplicaLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listing commands run through {@link Main#run}, against file replicas written with known mtimes. */
class ListingCommandsTest {
    private static final String G1 = "0123456789abcdef";
    private static final String G2 = "fedcba9876543210";
    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00.250Z");

    @TempDir
    Path tmp;
    Path db;
    Path rep1;
    Path rep2;
    Path config;

    record Result(int status, List<String> out, List<String> err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        db = tmp.resolve("app.db");
        rep1 = tmp.resolve("rep1");
        rep2 = tmp.resolve("rep2");
        Files.write(db, new byte[4096]);
        Files.setLastModifiedTime(db, FileTime.from(T0.plusSeconds(100)));
        Path wal = tmp.resolve("app.db-wal");
        Files.write(wal, new byte[32]);
        Files.setLastModifiedTime(wal, FileTime.from(T0.plusSeconds(130).plusMillis(500)));

        FileReplicaClient c1 = new FileReplicaClient(rep1);
        snapshot(c1, G1, 0, 354, T0);
        wal(c1, G1, 0, 0, 451, T0.plusSeconds(1));
        wal(c1, G1, 0, 16512, 22236, T0.plusSeconds(2));
        snapshot(c1, G1, 16, 1000, T0.plusSeconds(60));
        wal(c1, G1, 16, 4152, 72787, T0.plusSeconds(61));
        wal(c1, G2, 0, 0, 10, T0.plusSeconds(126));

        FileReplicaClient c2 = new FileReplicaClient(rep2);
        snapshot(c2, G2, 3, 77, T0.plusSeconds(129));

        config = tmp.resolve("walship.yml");
        Files.writeString(config, """
                dbs:
                  - path: %s
                    replicas:
                      - path: %s
                        sync-interval: 10s
                      - name: second
                        url: file://%s
                  - path: %s/other.db
                """.formatted(db, rep1, rep2, tmp));
    }

    private static void snapshot(FileReplicaClient c, String g, long index, int size, Instant created) throws IOException {
        c.writeSnapshot(g, index, out -> out.write(new byte[size]));
        Files.setLastModifiedTime(c.root().resolve(ReplicaLayout.snapshotPath(g, index)), FileTime.from(created));
    }

    private static void wal(FileReplicaClient c, String g, long index, long offset, int size, Instant created)
            throws IOException {
        c.writeWalSegment(g, index, offset, new byte[size]);
        Files.setLastModifiedTime(c.root().resolve(ReplicaLayout.walSegmentPath(g, index, offset)), FileTime.from(created));
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            status = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(status, lines(out), lines(err));
    }

    private static List<String> lines(ByteArrayOutputStream b) {
        String s = b.toString(StandardCharsets.UTF_8);
        return s.isEmpty() ? List.of() : List.of(s.split("\n", -1)).subList(0, s.split("\n", -1).length - 1);
    }

    private void assertUsageError(String expected, String... args) {
        Result r = run(args);
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).containsExactly(expected);
    }

    @Test
    void databases() {
        Result r = run("databases", "-config", config.toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        String pad = " ".repeat(tmp.resolve("other.db").toString().length() - db.toString().length());
        assertThat(r.out()).containsExactly(
                "path" + " ".repeat(db.toString().length() - 4) + pad + "  replicas",
                db + pad + "  file,second",
                tmp.resolve("other.db") + "  ");
    }

    @Test
    void aDirEntryListsTheDatabasesItCoversAndFindsTheirReplicas() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data/sub"));
        byte[] header = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
        Files.write(data.resolve("b.db"), header);
        Files.write(tmp.resolve("data/a.db"), header);
        Files.writeString(tmp.resolve("data/notes.db"), "not a database");
        Files.write(tmp.resolve("data/a.db-wal"), header);
        snapshot(new FileReplicaClient(tmp.resolve("rep/sub/b.db")), G1, 5, 99, T0);
        Path dirConfig = tmp.resolve("dir.yml");
        Files.writeString(dirConfig, """
                dbs:
                  - dir: %s/data
                    pattern: "*.db"
                    recursive: true
                    replica: {url: "file://%s/rep"}
                """.formatted(tmp, tmp));

        Result r = run("databases", "-config", dirConfig.toString());
        assertThat(r.status()).isZero();
        String b = data.resolve("b.db").toString();
        assertThat(r.out()).containsExactly("path" + " ".repeat(b.length() - 4) + "  replicas",
                tmp.resolve("data/a.db") + " ".repeat("sub/".length()) + "  file", b + "  file");

        r = run("snapshots", "-config", dirConfig.toString(), data.resolve("b.db").toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).containsExactly("replica  generation        index  size  created",
                "file     0123456789abcdef  5      99    2024-03-01T10:00:00Z");

        Files.writeString(dirConfig, "dbs:\n  - dir: " + tmp.resolve("gone") + "\n    pattern: \"*\"\n");
        r = run("databases", "-config", dirConfig.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsExactly("walship: " + tmp.resolve("gone") + ": directory does not exist");
    }

    @Test
    void generationsOfAConfiguredDatabase() {
        // Lag is measured from the WAL's mtime (later than the DB's): T0+130.5s.
        Result r = run("generations", "-config", config.toString(), db.toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).containsExactly(
                "name    generation        lag   start                 end",
                "file    0123456789abcdef  1m9s  2024-03-01T10:00:00Z  2024-03-01T10:01:01Z",
                "file    fedcba9876543210  4.5s  2024-03-01T10:02:06Z  2024-03-01T10:02:06Z",
                "second  fedcba9876543210  1.5s  2024-03-01T10:02:09Z  2024-03-01T10:02:09Z");
    }

    @Test
    void generationsOfAUrlLagBehindNow() {
        Result r = run("generations", "file://" + rep2);
        assertThat(r.status()).isZero();
        assertThat(r.out()).hasSize(2);
        assertThat(r.out().get(0)).isEqualTo("name  generation        lag" + " ".repeat(r.out().get(1).indexOf("  2024") - 27)
                + "  start                 end");
        assertThat(r.out().get(1)).matches(
                "file  fedcba9876543210  [0-9hms]+ +2024-03-01T10:02:09Z  2024-03-01T10:02:09Z");
    }

    @Test
    void snapshotsOfOneNamedReplica() {
        Result r = run("snapshots", "-config=" + config, "-replica", "second", db.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).containsExactly(
                "replica  generation        index  size  created",
                "second   fedcba9876543210  3      77    2024-03-01T10:02:09Z");
    }

    @Test
    void snapshotsOfAllReplicas() {
        Result r = run("snapshots", "-config", config.toString(), db.toString());
        assertThat(r.out()).containsExactly(
                "replica  generation        index  size  created",
                "file     0123456789abcdef  0      354   2024-03-01T10:00:00Z",
                "file     0123456789abcdef  16     1000  2024-03-01T10:01:00Z",
                "second   fedcba9876543210  3      77    2024-03-01T10:02:09Z");
    }

    @Test
    void walOfAUrlInDecimal() {
        Result r = run("wal", "file://" + rep1);
        assertThat(r.status()).isZero();
        assertThat(r.out()).containsExactly(
                "replica  generation        index  offset  size   created",
                "file     0123456789abcdef  0      0       451    2024-03-01T10:00:01Z",
                "file     0123456789abcdef  0      16512   22236  2024-03-01T10:00:02Z",
                "file     0123456789abcdef  16     4152    72787  2024-03-01T10:01:01Z",
                "file     fedcba9876543210  0      0       10     2024-03-01T10:02:06Z");
    }

    @Test
    void walOfOneGeneration() {
        Result r = run("wal", "-generation", G2, "-config", config.toString(), "-no-expand-env", db.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).containsExactly(
                "replica  generation        index  offset  size  created",
                "file     fedcba9876543210  0      0       10    2024-03-01T10:02:06Z");
    }

    @Test
    void emptyGenerationPrintsGoZeroTimes() throws IOException {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty.resolve("generations").resolve(G1));
        Result r = run("generations", "file://" + empty);
        assertThat(r.out()).containsExactly(
                "name  generation        lag             start                 end",
                "file  0123456789abcdef  2562047h47m16s  0001-01-01T00:00:00Z  0001-01-01T00:00:00Z");
    }

    @Test
    void emptyReplicaPrintsOnlyTheHeader() {
        Result r = run("wal", "file://" + tmp.resolve("nothing"));
        assertThat(r.status()).isZero();
        assertThat(r.out()).containsExactly("replica  generation  index  offset  size  created");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        assertUsageError("walship: invalid replica URL \"s3://b.localhost:abc/p\": invalid port \"abc\"",
                "generations", "s3://b.localhost:abc/p");
        assertUsageError("walship: invalid replica URL \"file://relative/dir\": a file URL names an absolute "
                + "directory: file:///DIR", "wal", "file://relative/dir");
        assertUsageError("walship: gcs replicas are not supported by walship (use s3 or file)",
                "snapshots", "gcs://bucket/db");
        assertUsageError("walship: " + tmp.resolve("missing.yml") + ": config file not found",
                "databases", "-config", tmp.resolve("missing.yml").toString());
        assertUsageError("walship: database not found in config: " + tmp.resolve("nope.db"),
                "snapshots", "-config", config.toString(), tmp.resolve("nope.db").toString());
        assertUsageError("walship: replica \"third\" not found for database \"" + db + "\"",
                "wal", "-config", config.toString(), "-replica", "third", db.toString());
        assertUsageError("walship: cannot specify a replica URL and the -config flag",
                "generations", "-config", config.toString(), "file://" + rep1);
        assertUsageError("walship: invalid generation \"XYZ\" (expected 16 lowercase hex characters)",
                "wal", "-generation", "XYZ", "file://" + rep1);

        Path bad = tmp.resolve("bad.yml");
        Files.writeString(bad, "dbs:\n  - path: /x.db\n    replicas:\n      - url: s3://b/p\n        retention: 5x\n");
        assertUsageError("walship: " + bad + ": dbs[0].replicas[0].retention: invalid duration \"5x\"",
                "databases", "-config", bad.toString());
        Files.writeString(bad, "dbs: [\n");
        Result r = run("databases", "-config", bad.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).hasSize(1);
        assertThat(r.err().get(0)).startsWith("walship: " + bad + ": invalid YAML: line ");
    }

    @Test
    void helpListsTheGoStyleFlags() {
        Result r = run("wal", "-h");
        assertThat(r.status()).isZero();
        assertThat(String.join("\n", r.out()))
                .contains("-config", "-no-expand-env", "-replica", "-generation", "DB_PATH|REPLICA_URL", "${VAR}");
    }

    @Test
    void failingReplicaIsReportedAndTheOthersStillList() throws IOException {
        Files.writeString(config, """
                dbs:
                  - path: %s
                    replicas:
                      - url: s3://bucket/app.db
                      - name: second
                        url: file://%s
                """.formatted(db, rep2));
        Result r = run("snapshots", "-config", config.toString(), db.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).hasSize(1);
        assertThat(r.err().get(0)).startsWith("walship: replica \"s3\": ");
        assertThat(r.out()).containsExactly(
                "replica  generation        index  size  created",
                "second   fedcba9876543210  3      77    2024-03-01T10:02:09Z");
    }
}

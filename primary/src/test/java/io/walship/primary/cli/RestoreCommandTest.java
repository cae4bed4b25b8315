package io.walship.primary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.primary.replica.FileReplicaClient;
import io.walship.protocol.Lz4FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code walship restore} through {@link Main#run}: flag errors exit 2, runtime errors 1, the if-flags 0. */
class RestoreCommandTest {
    private static final String GEN = "00112233445566ff";

    @TempDir
    Path work;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    private Path replica;
    private String url;

    @BeforeEach
    void setUp() throws Exception {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        replica = work.resolve("replica");
        url = "file://" + replica;
    }

    @AfterEach
    void tearDown() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private int run(String... args) {
        return Main.run(args);
    }

    private String stderr() {
        return err.toString();
    }

    /** A snapshot-only replica of a one-row database in WAL mode, as Litestream's snapshots are. */
    private void writeReplica() throws Exception {
        Path src = work.resolve("src.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("CREATE TABLE t(v TEXT)");
            st.execute("INSERT INTO t VALUES ('hello')");
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            byte[] db = Files.readAllBytes(src);
            try (FileReplicaClient client = new FileReplicaClient(replica)) {
                client.writeSnapshot(GEN, 0, o -> {
                    OutputStream lz = Lz4FrameWriter.open(new java.io.FilterOutputStream(o) {
                        @Override
                        public void close() throws java.io.IOException {
                            flush();
                        }
                    });
                    lz.write(db);
                    lz.close();
                });
            }
        }
    }

    private static String value(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT v FROM t")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void restoresFromAFileUrl() throws Exception {
        writeReplica();
        Path db = work.resolve("out/restored.db");
        assertThat(run("restore", "-o", db.toString(), url)).as(stderr()).isZero();
        assertThat(value(db)).isEqualTo("hello");
    }

    @Test
    void acceptsLitestreamFlagForms() throws Exception {
        writeReplica();
        Path db = work.resolve("restored.db");
        assertThat(run("restore", "-o=" + db, "-generation", GEN, "-index", "0000000b", "-parallelism", "2", url))
                .as(stderr()).isZero();
        assertThat(value(db)).isEqualTo("hello");
    }

    @Test
    void missingSourceIsAUsageError() {
        assertThat(run("restore")).isEqualTo(2);
        assertThat(stderr()).contains("database path or replica URL required");
    }

    @Test
    void twoSourcesAreAUsageError() {
        assertThat(run("restore", "-o", "x.db", url, url)).isEqualTo(2);
        assertThat(stderr()).contains("too many arguments");
    }

    @Test
    void urlWithoutOutputIsAUsageError() {
        assertThat(run("restore", url)).isEqualTo(2);
        assertThat(stderr()).contains("output path required");
    }

    @Test
    void urlWithConfigIsAUsageError() {
        assertThat(run("restore", "-config", "x.yml", "-o", "x.db", url)).isEqualTo(2);
        assertThat(stderr()).contains("cannot specify a replica URL and the -config flag");
    }

    @Test
    void hexPrefixedIndexIsRejected() {
        assertThat(run("restore", "-o", "x.db", "-index", "0x5", url)).isEqualTo(2);
        assertThat(stderr()).contains("invalid value \"0x5\" for flag -index: invalid hexadecimal format");
        assertThat(run("restore", "-o", "x.db", "-index", "80000000", url)).isEqualTo(2);
        assertThat(stderr()).contains("index too large");
    }

    @Test
    void badTimestampIsRejected() {
        for (String ts : new String[] {"2000-01-01", "2000-01-01T00:00Z", "2000-01-01 00:00:00Z", "2000-13-01T00:00:00Z", "yesterday"}) {
            err.reset();
            assertThat(run("restore", "-o", "x.db", "-timestamp", ts, url)).as(ts).isEqualTo(2);
            assertThat(stderr()).contains("invalid -timestamp, must specify in ISO 8601 format (e.g. 2000-01-01T00:00:00Z)");
        }
    }

    @Test
    void timestampWithOffsetAndFractionIsAccepted() throws Exception {
        writeReplica();
        // Parsed fine; nothing is that old, so it ends as "no matching backups found" (exit 1).
        assertThat(run("restore", "-o", work.resolve("x.db").toString(), "-timestamp", "2000-01-01T02:00:00.123456+02:00", url))
                .isEqualTo(1);
        assertThat(stderr()).contains("no matching backups found");
    }

    @Test
    void indexAndTimestampTogetherAreAUsageError() {
        assertThat(run("restore", "-o", "x.db", "-index", "1", "-timestamp", "2000-01-01T00:00:00Z", url)).isEqualTo(2);
        assertThat(stderr()).contains("cannot specify index & timestamp to restore");
    }

    @Test
    void badParallelismIsAUsageError() {
        assertThat(run("restore", "-o", "x.db", "-parallelism", "0", url)).isEqualTo(2);
        assertThat(run("restore", "-o", "x.db", "-parallelism", "many", url)).isEqualTo(2);
    }

    @Test
    void unsupportedUrlIsAUsageError() {
        assertThat(run("restore", "-o", "x.db", "file://host/dir")).isEqualTo(2);
        assertThat(stderr()).contains("file:///DIR");
    }

    @Test
    void existingOutputFailsAndIsKept() throws Exception {
        writeReplica();
        Path db = Files.writeString(work.resolve("exists.db"), "keep me");
        assertThat(run("restore", "-o", db.toString(), url)).isEqualTo(1);
        assertThat(stderr()).contains("cannot restore, output path already exists: " + db);
        assertThat(stderr()).doesNotContain("Exception");
        assertThat(Files.readString(db)).isEqualTo("keep me");
    }

    @Test
    void existingOutputWithIfDbNotExistsSucceedsWithoutTouchingIt() throws Exception {
        writeReplica();
        Path db = Files.writeString(work.resolve("exists.db"), "keep me");
        assertThat(run("restore", "-if-db-not-exists", "-o", db.toString(), url)).isZero();
        assertThat(out.toString()).contains("database already exists, skipping");
        assertThat(Files.readString(db)).isEqualTo("keep me");
    }

    @Test
    void noBackupsFailsUnlessIfReplicaExists() throws Exception {
        Files.createDirectories(replica);
        Path db = work.resolve("none.db");
        assertThat(run("restore", "-o", db.toString(), url)).isEqualTo(1);
        assertThat(stderr()).contains("no matching backups found");
        assertThat(run("restore", "-if-replica-exists", "-o", db.toString(), url)).isZero();
        assertThat(out.toString()).contains("no matching backups found");
        assertThat(db).doesNotExist();
    }

    @Test
    void unknownGenerationIsNoMatchingBackups() throws Exception {
        writeReplica();
        assertThat(run("restore", "-o", work.resolve("g.db").toString(), "-generation", "ffffffffffffffff", url)).isEqualTo(1);
        assertThat(stderr()).contains("no matching backups found");
        assertThat(run("restore", "-if-replica-exists", "-o", work.resolve("g.db").toString(), "-generation", "ffffffffffffffff", url))
                .isZero();
    }

    @Test
    void corruptReplicaIsOneLineAndExitOne() throws Exception {
        writeReplica();
        Path snap = replica.resolve("generations/" + GEN + "/snapshots/00000000.snapshot.lz4");
        byte[] b = Files.readAllBytes(snap);
        Files.write(snap, java.util.Arrays.copyOf(b, b.length - 3));
        Path db = work.resolve("c.db");
        assertThat(run("restore", "-o", db.toString(), url)).isEqualTo(1);
        assertThat(stderr().lines().filter(l -> l.startsWith("walship: ")).toList())
                .containsExactly("walship: " + url + "/generations/" + GEN
                        + "/snapshots/00000000.snapshot.lz4: truncated LZ4 frame (unexpected end while reading content checksum)");
        assertThat(db).doesNotExist();
    }
}

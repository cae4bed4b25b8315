package io.walship.primary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code walship follow} refusals that happen before any connection: plain HTTP across a network, TLS settings that
 * do not fit the URL, a client key others can read. Each is one line; the local database is never created.
 */
class FollowCommandTest {
    @TempDir
    Path work;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;
    private Path db;

    @BeforeEach
    void setUp() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true));
        db = work.resolve("copy.db");
    }

    @AfterEach
    void tearDown() {
        System.setErr(savedErr);
    }

    private String stderr() {
        return err.toString();
    }

    private void assertOneLine(String... fragments) {
        assertThat(stderr()).startsWith("walship: ").endsWith("\n");
        assertThat(stderr().strip()).doesNotContain("\n");
        for (String f : fragments) {
            assertThat(stderr()).contains(f);
        }
        assertThat(Files.exists(db)).as("the local database was opened").isFalse();
    }

    private Path config(String upstream) throws Exception {
        Path file = work.resolve("walship.yml");
        Files.writeString(file, "dbs:\n  - path: " + db + "\n    upstream: " + upstream + "\n");
        return file;
    }

    @Test
    void plainHttpToAnotherMachineIsAUsageErrorWithoutAConnectionAttempt() {
        assertThat(Main.run("follow", "http://10.255.255.1:1/app.db", db.toString())).isEqualTo(2);
        assertOneLine("refusing plain http:// to 10.255.255.1", "https://", "insecure: true", "-insecure");
    }

    @Test
    void plainHttpToAHostNameIsRefusedToo() {
        assertThat(Main.run("follow", "http://primary.example:7070/app.db", db.toString())).isEqualTo(2);
        assertOneLine("refusing plain http:// to primary.example");
    }

    @Test
    void plainHttpFromTheConfigIsRefusedUnlessInsecure() throws Exception {
        assertThat(Main.run("follow", "-config", config("{url: http://10.255.255.1:1/app.db}").toString()))
                .isEqualTo(2);
        assertOneLine("refusing plain http:// to 10.255.255.1");
    }

    @Test
    void unknownUpstreamKeysAreRefused() throws Exception {
        assertThat(Main.run("follow", "-config", config("{url: https://127.0.0.1:1/app.db, tls-ca: /ca.pem}")
                .toString())).isEqualTo(2);
        assertOneLine("dbs[0].upstream.tls-ca: unknown key", "ca, cert, insecure, key, token, url");
    }

    @Test
    void tlsFilesNeedAnHttpsUrlAndACertificateNeedsItsKey() throws Exception {
        assertThat(Main.run("follow", "-ca", "/etc/ca.pem", "http://127.0.0.1:1/app.db", db.toString())).isEqualTo(2);
        assertOneLine("ca, cert and key are for https:// primaries");
        err.reset();
        assertThat(Main.run("follow", "-cert", "/etc/client.pem", "https://127.0.0.1:1/app.db", db.toString()))
                .isEqualTo(2);
        assertOneLine("a client certificate needs its key");
    }

    @Test
    void aClientKeyOthersCanReadIsRefusedNamingTheFix() throws Exception {
        Path key = work.resolve("client.key");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(Main.run("follow", "-cert", work.resolve("client.pem").toString(), "-key", key.toString(),
                "https://127.0.0.1:1/app.db", db.toString())).isEqualTo(1);
        assertOneLine(key + ": private key file is accessible by group or others (rw-r-----)", "chmod 600 " + key);
    }
}

package io.walship.primary.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.walship.primary.archive.DaemonIdentity;
import io.walship.primary.archive.ReplicaLease;
import io.walship.primary.archive.ReplicaWorker;
import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.capture.CheckpointMode;
import io.walship.primary.config.AgeConfig;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.AgeCipher;
import io.walship.primary.replica.AgeKeys;
import io.walship.primary.replica.AgeReplicaClient;
import io.walship.primary.replica.FileReplicaClient;
import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.WalSegmentInfo;
import io.walship.protocol.Lz4FrameReader;
import io.walship.protocol.ReplicaLayout;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * walship's own archive with age at rest, restored in-process: every object is encrypted, the restore with the
 * identity equals the source, and a primary holding only the recipient (the identity kept offline) resumes an
 * encrypted replica after a restart without reading it.
 */
class AgeArchiveRestoreTest {
    @TempDir
    Path dir;
    Path dbPath;
    Path replicaDir;
    Connection app;
    CapturedDatabase db;
    String identity;
    String recipient;

    @BeforeEach
    void setUp() throws Exception {
        KeyPair kp = new X25519KeyPairGenerator().generateKeyPair();
        identity = kp.getPrivate().toString();
        recipient = kp.getPublic().toString();
        dbPath = dir.resolve("app.db");
        replicaDir = dir.resolve("replica");
        app = DriverManager.getConnection("jdbc:sqlite:" + dbPath);
        exec("PRAGMA journal_mode=wal");
        exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        db = CapturedDatabase.open(DbConfig.of(dbPath, List.of()));
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
        app.close();
    }

    private void exec(String sql) throws Exception {
        try (Statement st = app.createStatement()) {
            st.execute(sql);
        }
    }

    private void commit(int rows) throws Exception {
        exec("BEGIN");
        for (int i = 0; i < rows; i++) {
            exec("INSERT INTO t (v) VALUES (randomblob(300))");
        }
        exec("COMMIT");
        db.sync();
    }

    private ReplicaClient client(List<String> identities, List<String> recipients) {
        AgeKeys keys = identities.isEmpty() && recipients.isEmpty() ? AgeKeys.NONE
                : AgeKeys.parse(new AgeConfig(identities, recipients));
        return new AgeReplicaClient(new FileReplicaClient(replicaDir), new AgeCipher(keys));
    }

    private ReplicaWorker worker(ReplicaClient client) throws Exception {
        return new ReplicaWorker(db, client, ReplicaLease.acquire(client, DaemonIdentity.current(), db.path(),
                Duration.ofSeconds(1)), ReplicaConfig.ofUrl("file://" + replicaDir), "file");
    }

    private RestoreResult restore(ReplicaClient client, Path out) throws Exception {
        RestoreTarget target = RestorePlanner.plan(List.of(ReplicaListing.load("file", client, null)), RestoreCriteria.LATEST);
        return new Restorer(2, new LogRestoreProgress()).restore(client, target, out);
    }

    private void assertEveryObjectIsAge() throws Exception {
        try (var files = Files.walk(replicaDir)) {
            List<Path> objects = files.filter(p -> p.toString().endsWith(".lz4")).toList();
            assertThat(objects).isNotEmpty().allSatisfy(p -> assertThat(
                    new String(Files.readAllBytes(p), 0, 22, StandardCharsets.US_ASCII)).isEqualTo("age-encryption.org/v1\n"));
        }
    }

    private long plainLength(ReplicaClient c, WalSegmentInfo s) throws Exception {
        try (InputStream in = new Lz4FrameReader(c.openWalSegment(s.generation(), s.index(), s.offset()), "segment")) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    @Test
    void encryptedArchiveRestoresWithTheIdentityOnly() throws Exception {
        ReplicaWorker w = worker(client(List.of(identity), List.of(recipient)));
        w.sync();
        commit(50);
        w.sync();
        db.checkpoint(CheckpointMode.PASSIVE);
        commit(30);
        w.sync();
        assertEveryObjectIsAge();

        try (ReplicaClient reader = client(List.of(identity), List.of())) {
            RestoreResult res = restore(reader, dir.resolve("restored.db"));
            assertThat(DbFingerprint.of(res.path(), false)).isEqualTo(DbFingerprint.of(app, false));
            assertThat(res.target().walIndexes()).isNotEmpty();
            // Progress counts stored bytes, age's overhead included.
            assertThat(res.downloadedBytes()).isEqualTo(res.target().compressedSize());
        }
        try (ReplicaClient writerOnly = client(List.of(), List.of(recipient))) {
            assertThatThrownBy(() -> restore(writerOnly, dir.resolve("denied.db")))
                    .hasMessageContaining("replica is age-encrypted; no age identity configured");
        }
        assertThat(dir.resolve("denied.db")).doesNotExist();
    }

    @Test
    void recipientOnlyPrimaryResumesByWritingTheLastSegmentAgainWhole() throws Exception {
        ReplicaWorker first = worker(client(List.of(), List.of(recipient)));
        first.sync();
        commit(20);
        first.sync();
        commit(20);
        first.sync();
        String gen = db.position().generation();
        ReplicaClient reader = client(List.of(identity), List.of());
        List<WalSegmentInfo> before = reader.walSegments(gen);
        WalSegmentInfo last = before.get(before.size() - 1);
        long lastLength = plainLength(reader, last);

        // A restart: the new worker cannot read the last segment to learn where it ends.
        ReplicaWorker restarted = worker(client(List.of(), List.of(recipient)));
        commit(25);
        restarted.sync();
        assertThat(restarted.position()).isEqualTo(db.position());
        List<WalSegmentInfo> after = reader.walSegments(gen);
        assertThat(after).extracting(s -> s.index() + ":" + s.offset())
                .containsExactlyElementsOf(before.stream().map(s -> s.index() + ":" + s.offset()).toList());
        assertThat(plainLength(reader, after.get(after.size() - 1)))
                .isEqualTo(db.position().offset() - last.offset()).isGreaterThan(lastLength);
        assertEveryObjectIsAge();

        commit(5);
        restarted.sync();
        RestoreResult res = restore(reader, dir.resolve("restored.db"));
        assertThat(DbFingerprint.of(res.path(), false)).isEqualTo(DbFingerprint.of(app, false));
    }

    @Test
    void aPrimaryWithoutAgeKeysRefusesToAddPlainObjectsToAnEncryptedReplica() throws Exception {
        ReplicaWorker encrypting = worker(client(List.of(), List.of(recipient)));
        encrypting.sync();
        commit(10);
        encrypting.sync();
        String gen = db.position().generation();
        List<WalSegmentInfo> before = client(List.of(), List.of()).walSegments(gen);

        ReplicaWorker plain = worker(client(List.of(), List.of()));
        commit(10);
        assertThatThrownBy(plain::sync)
                .hasMessageContaining(ReplicaLayout.walSegmentPath(gen, 0, before.get(before.size() - 1).offset())
                        + ": replica is age-encrypted; no age identity configured");
        assertThat(client(List.of(), List.of()).walSegments(gen)).isEqualTo(before);
        assertEveryObjectIsAge();
    }
}

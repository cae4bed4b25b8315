package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.walship.embeddeds3.EmbeddedS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * age at rest against the real litestream v0.3.13, both ways, on a directory and on S3 (S3Proxy in-process): what
 * walship encrypts with only the recipient litestream restores with the identity, and what litestream encrypts
 * walship restores. The primaries hold recipients only, as when the identity is kept offline.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AgeInteropIT {
    private static final String ACCESS = "AKIAWALSHIPAGE";
    private static final String SECRET = "walship-age-secret-0123456789";
    private static final String AGE_INTRO = "age-encryption.org/v1\n";
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static EmbeddedS3 s3;

    @TempDir
    Path dir;
    Path db;
    /** The primary's config holds the recipient only, the restorer's the identity only. */
    Path primary;
    Path restorer;
    String bucket;
    String identity;
    String recipient;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = EmbeddedS3.start(ACCESS, SECRET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        db = dir.resolve("app.db");
        bucket = "age-" + BUCKETS.incrementAndGet();
        s3.createBucket(bucket);
        KeyPair kp = new X25519KeyPairGenerator().generateKeyPair();
        identity = kp.getPrivate().toString();
        recipient = kp.getPublic().toString();
    }

    private void configs(String storage) {
        primary = config("primary", storage, List.of(), List.of(recipient));
        restorer = config("restorer", storage, List.of(identity), List.of());
    }

    /** Enough writes, one transaction above the 1000-page checkpoint threshold, for more than one WAL index. */
    private static void writePastACheckpoint(Workload w) throws Exception {
        w.steps(30);
        w.bigTransaction(1100L * 4096);
        Thread.sleep(1200);
    }

    /** A config for both tools on {@code storage} ({@code file} or {@code s3}) with the given age keys. */
    private Path config(String name, String storage, List<String> identities, List<String> recipients) {
        String base = storage.equals("file") ? LitestreamConfig.file(db, dir.resolve("replica"))
                : LitestreamConfig.s3(db, s3.endpoint().toString(), bucket, "prod/app.db", ACCESS, SECRET);
        return LitestreamBinary.writeConfig(dir.resolve(name + ".yml"), LitestreamConfig.withAge(base, identities, recipients));
    }

    /** Every stored snapshot and WAL segment, raw. */
    private List<byte[]> storedObjects(String storage) throws Exception {
        List<byte[]> out = new ArrayList<>();
        if (storage.equals("file")) {
            try (var files = Files.walk(dir.resolve("replica"))) {
                for (Path p : files.filter(p -> p.toString().endsWith(".lz4")).toList()) {
                    out.add(Files.readAllBytes(p));
                }
            }
        } else {
            for (String key : s3.keys(bucket)) {
                if (key.endsWith(".lz4")) {
                    out.add(s3.client().getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build()).asByteArray());
                }
            }
        }
        return out;
    }

    private void assertAllEncrypted(String storage) throws Exception {
        List<byte[]> objects = storedObjects(storage);
        assertThat(objects).hasSizeGreaterThan(1).allSatisfy(o ->
                assertThat(new String(o, 0, AGE_INTRO.length(), StandardCharsets.US_ASCII)).isEqualTo(AGE_INTRO));
    }

    private ProcessResult walshipRestore(Path config, Path out) {
        return WalshipProcess.run("restore", "-config", config.toString(), "-o", out.toString(), db.toString());
    }

    /** The one-line error that ends a failed command (after the restore's progress line), with no stack trace. */
    private static String lastLine(ProcessResult r) {
        assertThat(r.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        List<String> lines = r.stderr().strip().lines().toList();
        return lines.get(lines.size() - 1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "s3"})
    void litestreamRestoresWhatWalshipEncrypted(String storage) throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        configs(storage);
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            Workload w = new Workload(app.connection(), 4096);
            w.createSchema();
            try (RunningProcess walship = WalshipProcess.start("replicate", "-config", primary.toString())) {
                walship.awaitLine(l -> l.contains("msg=\"replicating "), WalshipProcess.TIMEOUT);
                writePastACheckpoint(w);
                w.steps(10);
                ProcessResult stopped = walship.terminate(Duration.ofSeconds(30));
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
            }
            w.steps(5);
            // Restarted with the recipient only, walship cannot read where its last segment ended: it writes it again.
            try (RunningProcess walship = WalshipProcess.start("replicate", "-config", primary.toString())) {
                walship.awaitLine(l -> l.contains("writing it again"), WalshipProcess.TIMEOUT);
                w.steps(10);
                w.deleteHalfAndVacuum();
                w.steps(5);
                ProcessResult stopped = walship.terminate(Duration.ofSeconds(30));
                assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
            }
            assertAllEncrypted(storage);

            Path byLitestream = dir.resolve("by-litestream.db");
            litestream.restoreWithConfig(restorer, db, byLitestream);
            DbCompare.assertSameContent(app.connection(), byLitestream);

            Path denied = dir.resolve("denied.db");
            ProcessResult noIdentity = walshipRestore(primary, denied);
            assertThat(noIdentity.exitCode()).as(noIdentity.describe()).isEqualTo(1);
            assertThat(lastLine(noIdentity)).contains("replica is age-encrypted; no age identity configured");
            assertThat(denied).doesNotExist();

            Path byWalship = dir.resolve("by-walship.db");
            ProcessResult restored = walshipRestore(restorer, byWalship);
            assertThat(restored.exitCode()).as(restored.describe()).isZero();
            assertThat(restored.stdout() + restored.stderr()).doesNotContain(identity);
            DbCompare.assertSameContent(app.connection(), byWalship);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "s3"})
    void walshipRestoresWhatLitestreamEncrypted(String storage) throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        configs(storage);
        try (SqliteFixture app = SqliteFixture.create(db, 4096)) {
            Workload w = new Workload(app.connection(), 4096);
            w.createSchema();
            try (RunningProcess replicate = litestream.replicate(primary)) {
                replicate.awaitLine(l -> l.contains("snapshot written"), LitestreamBinary.TIMEOUT);
                writePastACheckpoint(w);
                w.steps(20);
                w.deleteHalfAndVacuum();
                w.steps(10);
                // litestream v0.3.13 may hang in its closing checkpoint after SIGTERM, so the archive is awaited instead.
                DbCompare.awaitRestoredEquals(app.connection(), Duration.ofSeconds(60), attempt -> {
                    Path out = dir.resolve("by-walship-" + attempt + ".db");
                    ProcessResult r = walshipRestore(restorer, out);
                    assertThat(r.exitCode()).as(r.describe()).isZero();
                    return out;
                });
                replicate.kill();
            }
            assertAllEncrypted(storage);

            String other = new X25519KeyPairGenerator().generateKeyPair().getPrivate().toString();
            Path wrongKey = config("wrong", storage, List.of(other), List.of());
            ProcessResult denied = walshipRestore(wrongKey, dir.resolve("denied.db"));
            assertThat(denied.exitCode()).as(denied.describe()).isEqualTo(1);
            assertThat(lastLine(denied)).contains("replica is age-encrypted; no matching identity");
            assertThat(denied.stderr()).doesNotContain(other);
        }
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.embeddeds3.EmbeddedS3;
import io.walship.protocol.Lz4FrameReader;
import io.walship.protocol.Lz4FrameWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code walship restore} from an S3 replica that walship wrote and that was then damaged object by object: a truncated
 * or missing segment, a WAL frame changed inside a well-formed LZ4 frame, a missing snapshot. Each time the command
 * exits 1 with one line naming the object and the problem, and writes nothing at the output path; with the objects
 * put back, the same command restores the application's database.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DamagedReplicaIT {
    private static final String BUCKET = "backups";
    private static final String PREFIX = "prod/app.db";
    private static final String ACCESS = "AKIAWALSHIPTEST";
    private static final String SECRET = "walship-test-secret-0123456789";

    @TempDir
    Path dir;

    @Test
    void everyDamageIsOneLineAndNoOutput() throws Exception {
        Path db = dir.resolve("app.db");
        try (EmbeddedS3 s3 = EmbeddedS3.start(ACCESS, SECRET); SqliteFixture app = SqliteFixture.create(db, 4096)) {
            s3.createBucket(BUCKET);
            Path config = LitestreamBinary.writeConfig(dir.resolve("walship.yml"),
                    LitestreamConfig.s3(db, s3.endpoint().toString(), BUCKET, PREFIX, ACCESS, SECRET));
            SqliteFixture.exec(app.connection(), "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
            try (RunningProcess walship = WalshipProcess.start("replicate", "-config", config.toString())) {
                walship.awaitLine(l -> l.contains("msg=\"replicating "), WalshipProcess.TIMEOUT);
                // Commits until index 0 has several segments (each sync uploads what is new as one).
                long deadline = System.nanoTime() + WalshipProcess.TIMEOUT.toNanos();
                while (s3.keys(BUCKET).stream().filter(k -> k.endsWith(".wal.lz4")).count() < 4) {
                    assertThat(System.nanoTime()).as("segments uploaded in time").isLessThan(deadline);
                    SqliteFixture.exec(app.connection(), "INSERT INTO t (v) VALUES (randomblob(6000))");
                    Thread.sleep(200);
                }
                DbCompare.awaitRestoredEquals(app.connection(), WalshipProcess.TIMEOUT, attempt -> {
                    restored(config, db, "archived-" + attempt).assertSuccess();
                    return dir.resolve("archived-" + attempt + ".db");
                });
                assertThat(walship.terminate(WalshipProcess.TIMEOUT).exitCode()).isZero();
            }
            Map<String, byte[]> objects = new LinkedHashMap<>();
            for (String key : s3.keys(BUCKET)) {
                objects.put(key, s3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
            }
            List<String> segments = objects.keySet().stream().filter(k -> k.endsWith(".wal.lz4")).sorted().toList();
            String snapshot = objects.keySet().stream().filter(k -> k.endsWith(".snapshot.lz4")).findFirst().orElseThrow();
            String first = segments.get(0);
            String middle = segments.get(1);
            String last = segments.get(segments.size() - 1);

            byte[] lastBytes = objects.get(last);
            s3.put(BUCKET, last, Arrays.copyOf(lastBytes, lastBytes.length / 2));
            assertRefused(config, db, last, "truncated LZ4 frame");
            s3.put(BUCKET, last, lastBytes);

            byte[] wal = Lz4FrameReader.decompress(lastBytes, last);
            wal[wal.length - 100] ^= 1;
            s3.put(BUCKET, last, Lz4FrameWriter.compress(wal));
            assertRefused(config, db, last, "corrupt WAL", "checksum mismatch");
            s3.put(BUCKET, last, lastBytes);

            s3.client().deleteObject(b -> b.bucket(BUCKET).key(middle));
            assertRefused(config, db, segments.get(2), "wal segment gap");
            s3.put(BUCKET, middle, objects.get(middle));

            s3.client().deleteObject(b -> b.bucket(BUCKET).key(first));
            assertRefused(config, db, null, "missing initial wal segment");
            s3.put(BUCKET, first, objects.get(first));

            byte[] snapshotBytes = objects.get(snapshot);
            s3.put(BUCKET, snapshot, Arrays.copyOf(snapshotBytes, snapshotBytes.length - 1));
            assertRefused(config, db, snapshot, "truncated LZ4 frame");
            s3.client().deleteObject(b -> b.bucket(BUCKET).key(snapshot));
            assertRefused(config, db, null, "no snapshots available");
            s3.put(BUCKET, snapshot, snapshotBytes);

            assertThat(restored(config, db, "repaired").exitCode()).isZero();
            DbCompare.assertSameContent(app.connection(), dir.resolve("repaired.db"));
        }
    }

    private ProcessResult restored(Path config, Path db, String name) {
        return WalshipProcess.run("restore", "-config", config.toString(), "-o", dir.resolve(name + ".db").toString(),
                db.toString());
    }

    /** @param object the object the message must name, or null when the problem is one of absence */
    private void assertRefused(Path config, Path db, String object, String... fragments) throws Exception {
        Path out = dir.resolve("damaged.db");
        ProcessResult r = restored(config, db, "damaged");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        // Besides the progress log (restore reports what it downloads), exactly one line: the error.
        List<String> error = r.stderrLines().stream().filter(l -> !l.startsWith("time=")).toList();
        assertThat(error).as(r.describe()).hasSize(1);
        assertThat(error.get(0)).as(r.describe()).startsWith("walship: ").contains(fragments).doesNotContain("Exception");
        if (object != null) {
            assertThat(error.get(0)).as(r.describe()).contains("s3://" + BUCKET + "/" + object);
        }
        assertThat(out).as("nothing at the output path").doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("damaged.db"));
        }
    }
}

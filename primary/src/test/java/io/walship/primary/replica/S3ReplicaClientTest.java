package io.walship.primary.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.walship.embeddeds3.EmbeddedS3;
import io.walship.primary.replica.ReplicaOperations.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared replica contract plus S3-specific behaviour, against a real S3Proxy with AWS v4 auth. */
class S3ReplicaClientTest extends ReplicaClientContract {
    private static final String ACCESS_KEY = "walship-access";
    private static final String SECRET = "walship-secret-do-not-print";
    private static final String PREFIX = "backups/test.db";
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static EmbeddedS3 proxy;

    private String bucket;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = EmbeddedS3.start(ACCESS_KEY, SECRET);
    }

    @AfterAll
    static void stopProxy() throws Exception {
        proxy.stop();
    }

    private static S3Settings settings(String bucket, String prefix, URI endpoint, String accessKey, String secret) {
        return new S3Settings(bucket, prefix, endpoint, null, true, accessKey, secret, false);
    }

    private S3ReplicaClient clientFor(String prefix) {
        return new S3ReplicaClient(settings(bucket, prefix, proxy.endpoint(), ACCESS_KEY, SECRET));
    }

    @Override
    ReplicaClient open() {
        bucket = "bucket-" + BUCKETS.incrementAndGet();
        proxy.createBucket(bucket);
        return clientFor(PREFIX);
    }

    @Override
    void putRaw(String path, byte[] bytes) {
        proxy.put(bucket, PREFIX + "/" + path, bytes);
    }

    @Test
    void namesItselfWithoutTheSecret() {
        assertThat(client.type()).isEqualTo("s3");
        assertThat(client.describe()).isEqualTo("s3://" + bucket + "/" + PREFIX + " (endpoint " + proxy.endpoint() + ")")
                .doesNotContain(SECRET);
    }

    @Test
    void storesKeysInLitestreamLayout() throws Exception {
        client.writeSnapshot(GEN_A, 1, out -> out.write(1));
        client.writeWalSegment(GEN_A, 1, 0x1038, new byte[] {1});

        assertThat(proxy.keys(bucket)).containsExactly(
                PREFIX + "/generations/" + GEN_A + "/snapshots/00000001.snapshot.lz4",
                PREFIX + "/generations/" + GEN_A + "/wal/00000001_00001038.wal.lz4");
    }

    @Test
    void leadingAndDuplicateSlashesAreStrippedFromThePrefix() throws Exception {
        try (S3ReplicaClient slashed = clientFor("//lead//test.db/")) {
            slashed.writeSnapshot(GEN_A, 0, out -> out.write(1));

            assertThat(slashed.describe()).startsWith("s3://" + bucket + "/lead/test.db ");
            assertThat(slashed.snapshots(GEN_A)).hasSize(1);
        }
        assertThat(proxy.keys(bucket)).containsExactly("lead/test.db/generations/" + GEN_A + "/snapshots/00000000.snapshot.lz4");
        try (S3ReplicaClient plain = clientFor("lead/test.db")) {
            assertThat(plain.generations()).containsExactly(GEN_A);
        }
    }

    @Test
    void emptyPrefixPutsGenerationsAtTheBucketRoot() throws Exception {
        try (S3ReplicaClient root = clientFor("")) {
            root.writeWalSegment(GEN_B, 0, 0, new byte[] {1});

            assertThat(root.describe()).startsWith("s3://" + bucket + " ");
            assertThat(root.generations()).containsExactly(GEN_B);
        }
        assertThat(proxy.keys(bucket)).containsExactly("generations/" + GEN_B + "/wal/00000000_00000000.wal.lz4");
    }

    @Test
    void listingsAndDeletesCrossPageBoundaries() throws Exception {
        try (S3ReplicaClient paged = new S3ReplicaClient(settings(bucket, PREFIX, proxy.endpoint(), ACCESS_KEY, SECRET), 2)) {
            List<String> generations = new ArrayList<>();
            for (int g = 0; g < 5; g++) {
                String gen = String.format("%016x", 0xa0L + g);
                generations.add(gen);
                paged.writeSnapshot(gen, 0, out -> out.write(1));
            }
            for (long i = 0; i < 7; i++) {
                paged.writeSnapshot(GEN_A, i, out -> out.write(1));
                paged.writeWalSegment(GEN_A, i, 0, new byte[] {1});
                paged.writeWalSegment(GEN_A, i, 0x1038, new byte[] {1});
            }
            generations.add(GEN_A);
            // Precondition: the store honours the small page size, so the client really follows markers.
            assertThat(proxy.client().listObjects(b -> b.bucket(bucket).prefix(PREFIX + "/generations/").delimiter("/")
                    .maxKeys(2)).isTruncated()).isTrue();

            assertThat(paged.generations()).containsExactlyElementsOf(generations);
            assertThat(paged.snapshots(GEN_A)).hasSize(7);
            assertThat(paged.walSegments(GEN_A)).hasSize(14);

            assertThat(paged.walSegmentsFrom(GEN_A, 5, 0x1038)).extracting(WalSegmentInfo::index, WalSegmentInfo::offset)
                    .containsExactly(tuple(5L, 0x1038L), tuple(6L, 0L), tuple(6L, 0x1038L));

            paged.deleteWalSegments(GEN_A, paged.walSegments(GEN_A).subList(0, 5));
            assertThat(paged.walSegments(GEN_A)).hasSize(9);
            paged.deleteGeneration(GEN_A);
            assertThat(paged.generations()).doesNotContain(GEN_A).hasSize(5);
        }
    }

    @Test
    void pollingFromAPositionIsOneListRequestHoweverLongTheGeneration() throws Exception {
        for (long i = 0; i < 40; i++) {
            client.writeWalSegment(GEN_A, i / 4, (i % 4) * 0x1038, new byte[] {1});
        }
        long before = listRequests();
        List<WalSegmentInfo> tail = client.walSegmentsFrom(GEN_A, 9, 0x2070);

        assertThat(listRequests() - before).isEqualTo(1);
        assertThat(tail).extracting(WalSegmentInfo::index, WalSegmentInfo::offset)
                .containsExactly(tuple(9L, 0x2070L), tuple(9L, 0x30a8L));
    }

    private static long listRequests() {
        return ReplicaOperations.global().rows().stream()
                .filter(r -> r.replicaType().equals("s3") && r.operation() == Operation.LIST)
                .mapToLong(ReplicaOperations.Row::count).sum();
    }

    @Test
    void largeSnapshotGoesMultipartAndReadsBackEqual() throws Exception {
        byte[] snapshot = bytes(20 * 1024 * 1024 + 17, 11);
        client.writeSnapshot(GEN_A, 3, out -> {
            for (int off = 0; off < snapshot.length; off += 65_537) {
                out.write(snapshot, off, Math.min(65_537, snapshot.length - off));
            }
        });

        assertThat(client.snapshots(GEN_A)).extracting(SnapshotInfo::size).containsExactly((long) snapshot.length);
        assertThat(readAll(client.openSnapshot(GEN_A, 3))).isEqualTo(snapshot);
        assertThat(proxy.client().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void bodyFailingAfterSeveralPartsLeavesNoObjectAndNoUpload() {
        byte[] chunk = bytes(1024 * 1024, 12);
        assertThatThrownBy(() -> client.writeSnapshot(GEN_A, 4, out -> {
            for (int i = 0; i < 18; i++) {
                out.write(chunk);
            }
            throw new IOException("database read failed");
        })).isInstanceOf(IOException.class)
                .hasMessageContaining(client.describe())
                .hasMessageContaining("00000004.snapshot.lz4")
                .hasMessageContaining("database read failed");

        assertThat(proxy.keys(bucket)).isEmpty();
        assertThat(proxy.client().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void bodyFailingWithinOnePartLeavesNoObject() {
        assertThatThrownBy(() -> client.writeSnapshot(GEN_A, 5, out -> {
            out.write(bytes(1000, 13));
            throw new IOException("boom");
        })).isInstanceOf(IOException.class).hasMessageContaining("boom");

        assertThat(proxy.keys(bucket)).isEmpty();
    }

    @Test
    void wrongSecretIsAccessDeniedNamingTheReplicaButNotTheSecret() {
        String wrongSecret = "definitely-wrong-secret";
        try (S3ReplicaClient wrong = new S3ReplicaClient(settings(bucket, PREFIX, proxy.endpoint(), ACCESS_KEY, wrongSecret))) {
            for (var call : List.<ThrowingCall>of(wrong::generations, () -> wrong.writeWalSegment(GEN_A, 0, 0, new byte[1]),
                    () -> wrong.openSnapshot(GEN_A, 0), () -> wrong.writeSnapshot(GEN_A, 0, out -> out.write(1)),
                    () -> wrong.deleteSnapshot(GEN_A, 0))) {
                assertThatThrownBy(call::run).isInstanceOf(IOException.class)
                        .isNotInstanceOf(ReplicaObjectNotFoundException.class)
                        .hasMessageStartingWith(wrong.describe() + ": access denied ")
                        .hasMessageContaining("SignatureDoesNotMatch")
                        .message().doesNotContain(wrongSecret).doesNotContain(SECRET).doesNotContain("\n");
            }
        }
    }

    @Test
    void requestsAreCountedPerTypeAndOperationAsLitestreamCountsThem() throws Exception {
        Map<Operation, ReplicaOperations.Row> before = s3Operations();
        client.writeWalSegment(GEN_A, 1, 0, new byte[100]);
        client.writeSnapshot(GEN_A, 1, out -> out.write(new byte[300]));
        try (InputStream in = client.openWalSegment(GEN_A, 1, 0)) {
            in.readAllBytes();
        }
        client.walSegments(GEN_A);
        client.deleteSnapshot(GEN_A, 1);
        assertThatThrownBy(() -> client.openSnapshot(GEN_A, 9)).isInstanceOf(ReplicaObjectNotFoundException.class);
        try (S3ReplicaClient wrong = new S3ReplicaClient(settings(bucket, PREFIX, proxy.endpoint(), ACCESS_KEY, "wrong"))) {
            assertThatThrownBy(() -> wrong.writeWalSegment(GEN_A, 2, 0, new byte[1])).isInstanceOf(IOException.class);
        }
        Map<Operation, ReplicaOperations.Row> after = s3Operations();

        assertThat(delta(before, after, Operation.PUT)).containsExactly(2, 400, 1);
        assertThat(delta(before, after, Operation.GET)).as("a missing object is not a failed request").containsExactly(1, 100, 0);
        assertThat(delta(before, after, Operation.LIST)).containsExactly(1, 0, 0);
        assertThat(delta(before, after, Operation.DELETE)).containsExactly(1, 0, 0);
    }

    private static Map<Operation, ReplicaOperations.Row> s3Operations() {
        Map<Operation, ReplicaOperations.Row> rows = new EnumMap<>(Operation.class);
        for (ReplicaOperations.Row r : ReplicaOperations.global().rows()) {
            if (r.replicaType().equals("s3")) {
                rows.put(r.operation(), r);
            }
        }
        return rows;
    }

    /** (requests, bytes, errors) added between two readings. */
    private static long[] delta(Map<Operation, ReplicaOperations.Row> before, Map<Operation, ReplicaOperations.Row> after,
                                Operation op) {
        ReplicaOperations.Row zero = new ReplicaOperations.Row("s3", op, 0, 0, 0);
        ReplicaOperations.Row b = before.getOrDefault(op, zero);
        ReplicaOperations.Row a = after.getOrDefault(op, zero);
        return new long[] {a.count() - b.count(), a.bytes() - b.bytes(), a.errors() - b.errors()};
    }

    @Test
    void unknownAccessKeyIsAccessDenied() {
        try (S3ReplicaClient unknown = new S3ReplicaClient(settings(bucket, PREFIX, proxy.endpoint(), "nobody", SECRET))) {
            assertThatThrownBy(unknown::generations).isInstanceOf(IOException.class)
                    .hasMessageStartingWith(unknown.describe() + ": access denied listing generations/ (InvalidAccessKeyId");
        }
    }

    @Test
    void missingBucketIsReportedAsSuch() {
        try (S3ReplicaClient missing = new S3ReplicaClient(settings("no-such-bucket", PREFIX, proxy.endpoint(), ACCESS_KEY, SECRET))) {
            for (var call : List.<ThrowingCall>of(missing::generations, () -> missing.openSnapshot(GEN_A, 0),
                    () -> missing.writeWalSegment(GEN_A, 0, 0, new byte[1]))) {
                assertThatThrownBy(call::run).isInstanceOf(IOException.class)
                        .isNotInstanceOf(ReplicaObjectNotFoundException.class)
                        .hasMessage(missing.describe() + ": bucket no-such-bucket does not exist (NoSuchBucket)");
            }
        }
    }

    @Test
    void unreachableEndpointFailsPromptlyNamingIt() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
        try (S3ReplicaClient unreachable = new S3ReplicaClient(settings("bkt", "db", endpoint, ACCESS_KEY, SECRET))) {
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> catchIo(() -> unreachable.snapshots(GEN_A)));
            assertThat(e).hasMessage(unreachable.describe() + ": cannot reach endpoint " + endpoint
                    + " while listing generations/" + GEN_A + "/snapshots/ (connection refused)");
        }
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    private static IOException catchIo(ThrowingCall call) throws Exception {
        try {
            call.run();
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("expected an IOException");
    }
}

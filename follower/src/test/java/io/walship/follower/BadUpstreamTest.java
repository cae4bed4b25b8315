package io.walship.follower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.walship.protocol.Pos;
import io.walship.protocol.stream.Payloads;
import io.walship.protocol.stream.StreamProtocol;
import io.walship.protocol.stream.StreamRecordEncoder;
import io.walship.protocol.stream.StreamRecords;
import io.walship.protocol.stream.proto.EndCode;
import io.walship.protocol.stream.proto.Payload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower process's loop ({@link StreamFollower}) against a primary on loopback HTTP that answers each request
 * with the next scripted response: good streams, and in between a snapshot and segments with a bad checksum, a
 * segment whose WAL frames are damaged under a good checksum, one of another generation, a body cut inside a record.
 * The follower must come back each time at the position it had, its database never showing anything but the
 * primary's committed states; and it must stop with the primary's one-line reason when told its position is wrong.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BadUpstreamTest {
    private static final String OTHER_GENERATION = "ffffffffffffffff";

    @TempDir
    Path dir;
    private TestPrimary primary;
    private HttpServer server;
    private final ConcurrentLinkedQueue<Function<HttpExchange, byte[]>> script = new ConcurrentLinkedQueue<>();
    /** Per request: the position the follower asked from, and its database's content at that moment. */
    private final List<String> asked = new ArrayList<>();
    private final List<Map<String, List<String>>> seen = new ArrayList<>();
    private Path db;

    @BeforeEach
    void setUp() throws Exception {
        primary = new TestPrimary(dir.resolve("primary"), 4096);
        db = Files.createDirectories(dir.resolve("follower")).resolve("app.db");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/stream/app.db", this::answer);
        server.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.stop(0);
        primary.close();
    }

    private void answer(HttpExchange ex) throws IOException {
        String query = ex.getRequestURI().getQuery();
        synchronized (asked) {
            asked.add(query == null ? "" : query.substring("pos=".length()));
            try {
                seen.add(Files.exists(db) ? DbContent.read(db) : Map.of());
            } catch (SQLException e) {
                throw new IOException(e);
            }
        }
        Function<HttpExchange, byte[]> next = script.poll();
        byte[] body = next == null ? null : next.apply(ex);
        if (body == null) {
            byte[] text = "no more scripted answers".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(503, text.length);
            ex.getResponseBody().write(text);
        } else if (ex.getResponseCode() == -1) {
            ex.getResponseHeaders().set("Content-Type", StreamProtocol.CONTENT_TYPE);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    /** A scripted 200 answer made of these records, whatever the request. */
    private static Function<HttpExchange, byte[]> stream(byte[]... records) {
        return ex -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Arrays.stream(records).forEach(out::writeBytes);
            return out.toByteArray();
        };
    }

    private static Function<HttpExchange, byte[]> refuse(int status, String line) {
        return ex -> {
            try {
                byte[] text = line.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status, text.length);
                ex.getResponseBody().write(text);
                return new byte[0];
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private byte[] hello() {
        return StreamRecordEncoder.encode(StreamRecords.hello("app.db", 4096, primary.snapshotPos(), 0, 1000,
                StreamProtocol.DEFAULT_PAYLOAD_BYTES, null));
    }

    private static byte[] end() {
        return StreamRecordEncoder.encode(StreamRecords.end(EndCode.END_CODE_SHUTDOWN, "scripted"));
    }

    /** The snapshot records of {@code image}, consistent with the WAL up to {@code consistent}. */
    private static byte[][] snapshot(Pos at, byte[] image, Pos consistent, int crcDamage) {
        return new byte[][] {
            StreamRecordEncoder.encode(StreamRecords.snapshotBegin(at, image.length, 4096)),
            StreamRecordEncoder.encode(StreamRecords.snapshotChunk(0, Payloads.of(image, 0, image.length, true))),
            StreamRecordEncoder.encode(StreamRecords.snapshotEnd(image.length,
                    Payloads.crc32c(image, 0, image.length) ^ crcDamage, consistent)),
        };
    }

    private static byte[] segment(Pos start, byte[] bytes, Payload payload) {
        Pos end = new Pos(start.generation(), start.index(), start.offset() + bytes.length);
        return StreamRecordEncoder.encode(StreamRecords.walSegment(start, end, null, false, payload));
    }

    private static byte[] segment(Pos start, byte[] bytes) {
        return segment(start, bytes, Payloads.of(bytes, 0, bytes.length, true));
    }

    @Test
    void badStreamsNeverReachTheDatabaseAndAFutureOfItsOwnStopsTheFollower() throws Exception {
        primary.tx("CREATE TABLE t(id INTEGER PRIMARY KEY, x)", "INSERT INTO t(x) VALUES ('first')");
        byte[] image = primary.snapshot();
        byte[] wal1 = primary.wal();
        Pos c1 = primary.pos(wal1.length);
        Map<String, List<String>> atC1 = DbContent.read(primary.db);
        primary.tx("INSERT INTO t(x) VALUES (randomblob(3000))", "INSERT INTO t(x) VALUES ('second')");
        byte[] wal2 = Arrays.copyOfRange(primary.wal(), wal1.length, primary.wal().length);
        Pos c2 = primary.pos(wal1.length + wal2.length);

        byte[] torn = wal2.clone();
        torn[24 + 100] ^= 1;
        Payload good = Payloads.of(wal2, 0, wal2.length, false);
        byte[] badCrc = segment(c1, wal2, good.toBuilder().setCrc32C(good.getCrc32C() ^ 1).build());
        byte[] fine = segment(c1, wal2);
        byte[][] badImage = snapshot(primary.snapshotPos(), image, c1, 1);
        byte[][] goodImage = snapshot(primary.snapshotPos(), image, c1, 0);

        script.add(stream(hello(), badImage[0], badImage[1], badImage[2], segment(primary.pos(0), wal1), end()));
        script.add(stream(hello(), goodImage[0], goodImage[1], goodImage[2], segment(primary.pos(0), wal1), end()));
        script.add(stream(hello(), badCrc, end()));
        script.add(stream(hello(), segment(c1, torn), end()));
        script.add(stream(hello(), segment(new Pos(OTHER_GENERATION, c1.index(), c1.offset()), wal2), end()));
        script.add(stream(hello(), Arrays.copyOf(fine, fine.length / 2)));
        script.add(stream(hello(), fine, end()));
        script.add(refuse(400, "position " + c2 + " is ahead of the primary's " + c1));

        StreamFollower follower = StreamFollower.open(FollowerOptions.of(UpstreamUrl.parse(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/app.db"), db).withMaxBackoff(Duration.ofMillis(50)));
        CompletableFuture<Throwable> stopped = CompletableFuture.supplyAsync(() -> {
            try (follower) {
                follower.run();
                return null;
            } catch (IOException | RuntimeException e) {
                return e;
            }
        });
        Throwable why = stopped.get(90, TimeUnit.SECONDS);

        assertThat(why).isInstanceOf(UpstreamException.class).hasMessage("http://127.0.0.1:"
                + server.getAddress().getPort() + "/app.db answered 400: position " + c2 + " is ahead of the primary's " + c1);
        assertThat(asked).containsExactly("", "", c1.toString(), c1.toString(), c1.toString(), c1.toString(),
                c1.toString(), c2.toString());
        assertThat(seen.get(1).getOrDefault("#schema", List.of())).as("after a snapshot with a bad checksum").isEmpty();
        for (int i = 3; i <= 6; i++) {
            assertThat(seen.get(i)).as("after bad answer %d", i - 1).isEqualTo(atC1);
        }
        assertThat(DbContent.read(db)).isEqualTo(DbContent.read(primary.db));
        assertThat(DbContent.integrity(db)).isEqualTo("ok");
        assertThat(PositionFile.of(db).read()).contains(c2);
    }

    @Test
    void walRefusedThreeTimesAtTheSamePositionMakesTheFollowerAskForASnapshot() throws Exception {
        primary.tx("CREATE TABLE t(id INTEGER PRIMARY KEY, x)", "INSERT INTO t(x) VALUES ('first')");
        byte[] image = primary.snapshot();
        byte[] wal1 = primary.wal();
        Pos c1 = primary.pos(wal1.length);
        primary.tx("INSERT INTO t(x) VALUES (randomblob(3000))", "INSERT INTO t(x) VALUES ('second')");
        byte[] wal = primary.wal();
        byte[] torn = Arrays.copyOfRange(wal, wal1.length, wal.length);
        torn[24 + 100] ^= 1;
        Pos c2 = primary.pos(wal.length);
        byte[][] snap = snapshot(primary.snapshotPos(), image, c1, 0);

        script.add(stream(hello(), snap[0], snap[1], snap[2], segment(primary.pos(0), wal1), end()));
        for (int i = 0; i < Feed.REJECTIONS_BEFORE_SNAPSHOT; i++) {
            script.add(stream(hello(), segment(c1, torn), end()));
        }
        script.add(stream(hello(), snap[0], snap[1], snap[2], segment(primary.pos(0), wal), end()));
        script.add(refuse(400, "scripted stop"));

        StreamFollower follower = StreamFollower.open(FollowerOptions.of(UpstreamUrl.parse(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/app.db"), db).withMaxBackoff(Duration.ofMillis(50)));
        try (follower) {
            assertThatThrownBy(follower::run).isInstanceOf(UpstreamException.class).hasMessageContaining("scripted stop");
        }
        assertThat(asked).containsExactly("", c1.toString(), c1.toString(), c1.toString(), "", c2.toString());
        assertThat(DbContent.read(db)).isEqualTo(DbContent.read(primary.db));
        assertThat(DbContent.integrity(db)).isEqualTo("ok");
        assertThat(PositionFile.of(db).read()).contains(c2);
    }
}

package io.walship.follower;

import io.walship.protocol.Pos;
import io.walship.protocol.stream.DecodedRecord;
import io.walship.protocol.stream.StreamPositions;
import io.walship.protocol.stream.StreamRecordReader;
import io.walship.protocol.stream.proto.SnapshotBegin;
import io.walship.protocol.stream.proto.WalSegment;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream of a primary, or of a relaying follower (same protocol and positions), as an {@link Upstream}: one
 * HTTP request per session from the follower's position, records applied as they come, a silent connection
 * treated as dead.
 */
public final class StreamUpstream implements Upstream {
    private static final Logger log = LoggerFactory.getLogger(StreamUpstream.class);

    private final UpstreamUrl url;
    private final String token;
    private final Duration heartbeatTimeout;
    private final HttpClient http;
    private volatile InputStream currentBody;
    private volatile StreamRecordReader currentSource;
    private volatile boolean aborted;
    private boolean announced;

    private StreamUpstream(UpstreamUrl url, String token, Duration heartbeatTimeout, HttpClient http) {
        this.url = url;
        this.token = token;
        this.heartbeatTimeout = heartbeatTimeout;
        this.http = http;
    }

    /** The upstream {@code options} name, with their token, heartbeat timeout and TLS settings. */
    public static StreamUpstream of(FollowerOptions options) throws IOException {
        HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (options.upstream().isHttps()) {
            http.sslContext(options.tls().context());
        }
        return new StreamUpstream(options.upstream(), options.token(), options.heartbeatTimeout(), http.build());
    }

    /** One session; a TLS trust failure becomes a {@link TlsRefusedException}, which retrying will not fix. */
    @Override
    public void follow(Feed feed) throws IOException {
        try {
            session(feed);
        } catch (IOException | RuntimeException e) {
            TlsRefusedException refused = TlsRefusedException.of(url, e);
            if (refused != null && !aborted) {
                throw refused;
            }
            throw e;
        }
    }

    private void session(Feed feed) throws IOException {
        aborted = false;
        Pos from = feed.wantsSnapshot() ? null : feed.position().orElse(null);
        HttpRequest.Builder req = HttpRequest.newBuilder(url.streamUri(from)).GET();
        if (token != null && !token.isEmpty()) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        try (InputStream body = resp.body()) {
            if (resp.statusCode() != 200) {
                String text = new String(body.readNBytes(1024), StandardCharsets.UTF_8).strip();
                throw new UpstreamException(resp.statusCode(), url + " answered "
                        + resp.statusCode() + (text.isEmpty() ? "" : ": " + text.lines().findFirst().orElse("")));
            }
            if (!announced) {
                // Only now: a refused first request must end the command with its one error line alone.
                log.info("following {} into {}", url, feed.dbPath());
                announced = true;
            }
            StreamRecordReader source = new StreamRecordReader(body);
            currentBody = body;
            currentSource = source;
            try {
                follow(source, feed);
            } finally {
                currentSource = null;
                currentBody = null;
            }
        }
    }

    private void follow(StreamRecordReader source, Feed feed) throws IOException {
        while (!aborted) {
            DecodedRecord r = source.buffered();
            if (r == null) {
                feed.flush();
                r = source.read();
                if (r == null) {
                    throw new EOFException("stream ended without an end record");
                }
            }
            switch (r.kind()) {
                case HELLO -> {
                    Pos upstream = StreamPositions.fromProto(r.record().getHello().getPrimaryPosition());
                    log.debug("{}: connected, primary at {}", url, upstream);
                    feed.connected(upstream);
                }
                case RESNAPSHOT -> log.info("{}: primary sends a snapshot: {} {}", url,
                        r.record().getResnapshot().getReason(), r.record().getResnapshot().getDetail());
                case SNAPSHOT_BEGIN -> {
                    SnapshotBegin begin = r.record().getSnapshotBegin();
                    Pos at = StreamPositions.fromProto(begin.getPosition());
                    SnapshotImageStream image = new SnapshotImageStream(source, begin);
                    feed.snapshot(at, image, image::consistentPosition);
                    log.info("{}: snapshot {} received", feed.dbPath(), at);
                }
                case WAL_SEGMENT -> {
                    WalSegment s = r.record().getWalSegment();
                    feed.segment(StreamPositions.fromProto(s.getStart()), StreamPositions.fromProto(s.getEnd()),
                            s.hasPrevious() ? StreamPositions.fromProto(s.getPrevious()) : null, s.getPartial(),
                            r.payload());
                }
                case HEARTBEAT -> feed.heartbeat(StreamPositions.fromProto(r.record().getHeartbeat().getPrimaryPosition()));
                case END -> {
                    feed.flush();
                    log.info("{}: primary ended the stream: {} {}", url, r.record().getEnd().getCode(),
                            r.record().getEnd().getMessage());
                    return;
                }
                default -> throw new IOException("unexpected " + r.kind() + " record");
            }
        }
    }

    @Override
    public void abort() {
        aborted = true;
        InputStream body = currentBody;
        if (body != null) {
            closeQuietly(body);
        }
    }

    /** A connection silent for longer than the heartbeat timeout is dead: closing it ends the session. */
    @Override
    public void watch() {
        StreamRecordReader source = currentSource;
        InputStream body = currentBody;
        if (source != null && body != null && source.nanosSinceLastByte() > heartbeatTimeout.toNanos()) {
            log.warn("{}: nothing from the primary for {} ms; reconnecting", url, heartbeatTimeout.toMillis());
            closeQuietly(body);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Only used to abort a read; the reader reports the failure.
        }
    }

    @Override
    public String toString() {
        return url.toString();
    }
}

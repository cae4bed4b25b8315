package io.walship.follower;

import io.walship.protocol.Pos;
import io.walship.protocol.stream.DecodedRecord;
import io.walship.protocol.stream.StreamRecordReader;
import io.walship.protocol.stream.StreamPositions;
import io.walship.protocol.stream.proto.Hello;
import io.walship.protocol.stream.proto.WalSegment;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower daemon: keeps a local database a read-only copy of a primary's database by streaming from it and
 * applying through {@link FollowerApplier}. Resumes at its own position after any disconnect or restart,
 * reconnects with jittered back-off, treats a silent connection as dead, and re-syncs from a snapshot when the
 * local copy cannot continue (a local write, a new generation on the primary).
 */
public final class StreamFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamFollower.class);
    /** Committed WAL bytes gathered into one local transaction at most; more waits for the next one. */
    static final int MAX_BATCH_BYTES = 16 << 20;

    private final FollowerOptions options;
    private final FollowerApplier applier;
    private final HttpClient http;
    private final ScheduledExecutorService watchdog;
    private final Backoff backoff;
    private volatile boolean closed;
    private volatile InputStream currentBody;
    private volatile StreamRecordReader currentSource;
    private volatile Pos primaryPosition;
    private volatile long reconnects;
    private volatile FollowerListener listener = FollowerListener.NONE;
    private boolean announced;
    /** The last apply failed locally: reconnects back off further until one succeeds, whatever the stream does. */
    private boolean applyFailing;
    /**
     * After a snapshot, the end its first WAL batch must reach before anything is exposed: the snapshot's consistent
     * position (earlier, image plus WAL is not a state the primary ever had) and the position already visible in
     * that generation (readers and the position file never go back); null when no snapshot waits.
     */
    private Pos exposeAt;

    private StreamFollower(FollowerOptions options, HttpClient http, FollowerApplier applier) {
        this.options = options;
        this.applier = applier;
        this.http = http;
        this.backoff = new Backoff(Duration.ofMillis(100), options.maxBackoff());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "walship-follower-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::checkSilence, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** Opens the local database (resuming an interrupted apply if there is one). */
    public static StreamFollower open(FollowerOptions options) throws IOException {
        return open(options, ApplierSettings.defaults());
    }

    /** Same, with applier tuning; the benchmark observes the apply steps through {@code settings.steps()}. */
    public static StreamFollower open(FollowerOptions options, ApplierSettings settings) throws IOException {
        HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (options.upstream().isHttps()) {
            // before the database is opened: a bad key file must not leave the follower lock taken
            http.sslContext(options.tls().context());
        }
        return new StreamFollower(options, http.build(), FollowerApplier.open(options.dbPath(), settings));
    }

    /** What readers of the local database see (the position file's content). */
    public Optional<Pos> visiblePosition() {
        return applier.visiblePosition();
    }

    /** The primary's position as of the last record from it, or null. */
    public Pos primaryPosition() {
        return primaryPosition;
    }

    public long reconnects() {
        return reconnects;
    }

    /** Reports what the follower does to {@code l} (metrics, health); set it before {@link #run()}. */
    public void listen(FollowerListener l) {
        this.listener = l;
    }

    /**
     * Follows until {@link #close()}. Returns normally only when closed; throws {@link UpstreamException} when the
     * primary refuses in a way retrying will not fix (wrong token, unknown database).
     */
    public void run() throws IOException {
        while (!closed) {
            try {
                session();
                backoff.reset();
                listener.disconnected("the primary ended the stream");
            } catch (UpstreamException e) {
                if (e.fatal()) {
                    throw e;
                }
                log.warn("{}: {}", options.upstream(), e.getMessage());
                listener.disconnected(e.getMessage());
            } catch (LocalApplyException e) {
                if (closed) {
                    return;
                }
                log.warn("{}; retrying", e.getMessage());
                listener.disconnected(e.getMessage());
            } catch (LocalWriteDetectedException e) {
                log.warn("{}: {}; re-syncing from a snapshot", options.dbPath(), e.getMessage());
                listener.localWriteDetected();
                listener.disconnected("re-syncing after a local write");
            } catch (FollowerLockedException | VerificationFailedException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                TlsRefusedException refused = TlsRefusedException.of(options.upstream(), e);
                if (refused != null) {
                    throw refused;
                }
                log.warn("{}: stream interrupted: {}", options.upstream(), describe(e));
                listener.disconnected(describe(e));
            }
            if (!closed) {
                reconnects++;
                sleep(backoff.nextMillis());
            }
        }
    }

    private void session() throws IOException {
        try {
            applier.resumeInterrupted();
        } catch (IOException e) {
            throw localFailure(e);
        }
        Pos from = applier.needsSnapshot() ? null : applier.position().orElse(null);
        HttpRequest.Builder req = HttpRequest.newBuilder(options.upstream().streamUri(from)).GET();
        if (options.token() != null && !options.token().isEmpty()) {
            req.header("Authorization", "Bearer " + options.token());
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
                throw new UpstreamException(resp.statusCode(), options.upstream() + " answered "
                        + resp.statusCode() + (text.isEmpty() ? "" : ": " + text.lines().findFirst().orElse("")));
            }
            if (!announced) {
                // Only now: a refused first request must end the command with its one error line alone.
                log.info("following {} into {}", options.upstream(), options.dbPath());
                announced = true;
            }
            StreamRecordReader source = new StreamRecordReader(body);
            currentBody = body;
            currentSource = source;
            try {
                follow(source);
            } finally {
                currentSource = null;
                currentBody = null;
            }
        }
    }

    private void follow(StreamRecordReader source) throws IOException {
        IncomingWal incoming = null;
        while (!closed) {
            DecodedRecord r = source.buffered();
            if (r == null) {
                incoming = flush(incoming);
                r = source.read();
                if (r == null) {
                    throw new EOFException("stream ended without an end record");
                }
            }
            switch (r.kind()) {
                case HELLO -> hello(r.record().getHello());
                case RESNAPSHOT -> log.info("{}: primary sends a snapshot: {} {}", options.upstream(),
                        r.record().getResnapshot().getReason(), r.record().getResnapshot().getDetail());
                case SNAPSHOT_BEGIN -> {
                    incoming = null;
                    Pos at = StreamPositions.fromProto(r.record().getSnapshotBegin().getPosition());
                    Pos floor = applier.visiblePosition().filter(p -> p.generation().equals(at.generation())).orElse(null);
                    SnapshotImageStream image = new SnapshotImageStream(source, r.record().getSnapshotBegin());
                    long started = System.nanoTime();
                    try {
                        applier.applySnapshot(at, image);
                    } catch (IOException e) {
                        throw image.failed() ? e : localFailure(e);
                    }
                    listener.snapshotStaged(at, System.nanoTime() - started);
                    exposeAt = later(image.consistentPosition(), floor);
                    log.info("{}: snapshot {} received", options.dbPath(), at);
                }
                case WAL_SEGMENT -> incoming = segment(incoming, r);
                case HEARTBEAT -> {
                    primaryPosition = StreamPositions.fromProto(r.record().getHeartbeat().getPrimaryPosition());
                    listener.heartbeat(primaryPosition);
                }
                case END -> {
                    flush(incoming);
                    log.info("{}: primary ended the stream: {} {}", options.upstream(),
                            r.record().getEnd().getCode(), r.record().getEnd().getMessage());
                    return;
                }
                default -> throw new IOException("unexpected " + r.kind() + " record");
            }
            if (!applyFailing) {
                backoff.reset();
            }
        }
    }

    private void hello(Hello h) throws IOException {
        primaryPosition = StreamPositions.fromProto(h.getPrimaryPosition());
        log.debug("{}: connected, primary at {}", options.upstream(), primaryPosition);
        listener.connected(primaryPosition);
    }

    /** Checks continuity and gathers the segment; applies first when it starts another index or the batch is full. */
    private IncomingWal segment(IncomingWal incoming, DecodedRecord r) throws IOException {
        WalSegment s = r.record().getWalSegment();
        Pos start = StreamPositions.fromProto(s.getStart());
        Pos end = StreamPositions.fromProto(s.getEnd());
        Pos expected = incoming != null ? incoming.end() : applier.position().orElse(null);
        boolean continues = start.equals(expected)
                || s.hasPrevious() && StreamPositions.fromProto(s.getPrevious()).equals(expected);
        if (!continues) {
            throw new ContinuityException("segment " + start + ".." + end + " does not continue the follower's position "
                    + expected + "; reconnecting");
        }
        boolean newIndex = incoming != null && start.index() != incoming.start().index();
        if (incoming != null && (newIndex || incoming.committedLength() >= MAX_BATCH_BYTES)) {
            incoming = flush(incoming);
            if (incoming != null && newIndex) {
                throw new ContinuityException("a partial transaction of index " + incoming.start().index()
                        + " was followed by index " + start.index());
            }
        }
        if (incoming == null) {
            incoming = new IncomingWal(start);
        }
        incoming.append(r.payload(), end, s.getPartial());
        listener.received(end);
        return incoming;
    }

    /**
     * Applies what is committed; returns what is left (a partial transaction, or everything while a staged snapshot
     * has not reached {@link #exposeAt}) or null.
     */
    private IncomingWal flush(IncomingWal incoming) throws IOException {
        if (incoming == null || incoming.committedEnd() == null) {
            return incoming;
        }
        Pos end = incoming.committedEnd();
        if (exposeAt != null && end.generation().equals(exposeAt.generation()) && end.compareTo(exposeAt) < 0) {
            return incoming;
        }
        byte[] committed = incoming.committedBytes();
        long started = System.nanoTime();
        try {
            applier.applyWal(incoming.start(), end, committed);
        } catch (IOException e) {
            throw localFailure(e);
        }
        applyFailing = false;
        listener.walApplied(end, committed.length, System.nanoTime() - started);
        exposeAt = null;
        incoming.dropCommitted();
        return incoming.isEmpty() ? null : incoming;
    }

    /**
     * An apply call failed: a refusal (continuity, validation, a local writer, a failed verification) keeps its
     * own handling; anything else is the local disk's or database's failure.
     */
    private IOException localFailure(IOException e) {
        if (e instanceof ContinuityException || e instanceof InvalidBatchException
                || e instanceof LocalWriteDetectedException || e instanceof VerificationFailedException) {
            return e;
        }
        applyFailing = true;
        return new LocalApplyException(options.dbPath() + ": local write failed: " + describe(e), e);
    }

    private static Pos later(Pos a, Pos b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return !a.generation().equals(b.generation()) || a.compareTo(b) >= 0 ? a : b;
    }

    private void checkSilence() {
        StreamRecordReader source = currentSource;
        InputStream body = currentBody;
        if (source != null && body != null && source.nanosSinceLastByte() > options.heartbeatTimeout().toNanos()) {
            log.warn("{}: nothing from the primary for {} ms; reconnecting", options.upstream(),
                    options.heartbeatTimeout().toMillis());
            closeQuietly(body);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        InputStream body = currentBody;
        if (body != null) {
            closeQuietly(body);
        }
        watchdog.shutdownNow();
        applier.close();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Only used to abort a read; the reader reports the failure.
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof java.net.ConnectException || e.getCause() instanceof java.net.ConnectException) {
            return "cannot connect (connection refused or unreachable)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "connection timed out";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }
}

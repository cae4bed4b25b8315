package io.walship.primary.stream;

import io.walship.protocol.stream.StreamProtocol;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of a {@link StreamServer}.
 *
 * @param host              address to bind
 * @param port              port to bind, 0 for any free port
 * @param token             bearer token every endpoint but {@code /healthz} requires, or null for none
 * @param maxPayloadBytes   largest payload per record (snapshot chunk or WAL segment)
 * @param maxQueuedBytes    bytes a follower may have written but not yet taken by the socket; beyond it the
 *                          server stops reading data for that follower until the queue drains
 * @param heartbeatInterval a heartbeat goes out when nothing else was sent for this long
 * @param stallTimeout      a follower whose queue makes no progress for this long is disconnected
 * @param compress          LZ4-compress payloads (each one only if that makes it smaller)
 * @param spoolDir          where snapshots are staged before streaming, null for the system temp directory
 * @param ioThreads         threads reading shadow WALs and encoding records for all followers
 * @param nativeTransport   use epoll when available (NIO otherwise, and always when false)
 * @param tls               certificate, key and client CAs for HTTPS, or null for plain HTTP
 * @param limits            connection count, header and idle timeouts
 */
public record StreamServerOptions(String host, int port, String token, int maxPayloadBytes, int maxQueuedBytes,
                                  Duration heartbeatInterval, Duration stallTimeout, boolean compress, Path spoolDir,
                                  int ioThreads, boolean nativeTransport, ServerTls tls, ConnectionLimits limits) {

    /** Below this a WAL frame of the largest page size (64 KiB + 24) plus a WAL header would not fit. */
    public static final int MIN_PAYLOAD_BYTES = 128 * 1024;

    public StreamServerOptions {
        if (maxPayloadBytes < MIN_PAYLOAD_BYTES || maxPayloadBytes > StreamProtocol.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("maxPayloadBytes must be within [" + MIN_PAYLOAD_BYTES + ", "
                    + StreamProtocol.MAX_PAYLOAD_BYTES + "]");
        }
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be positive");
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero() || stallTimeout.isNegative()
                || stallTimeout.isZero()) {
            throw new IllegalArgumentException("heartbeat interval and stall timeout must be positive");
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be positive");
        }
    }

    /**
     * Loopback, any port, no token, 1 MiB records, 2 MiB queue per follower, 1 s heartbeat, 30 s stall limit,
     * plain HTTP, {@link ConnectionLimits#defaults()}.
     */
    public static StreamServerOptions defaults() {
        return new StreamServerOptions("127.0.0.1", 0, null, StreamProtocol.DEFAULT_PAYLOAD_BYTES, 2 << 20,
                Duration.ofMillis(StreamProtocol.DEFAULT_HEARTBEAT_MILLIS), Duration.ofSeconds(30), true, null,
                Math.max(2, Runtime.getRuntime().availableProcessors()), true, null, ConnectionLimits.defaults());
    }

    /** Everything but the token's value, so that logging the options never logs the secret. */
    @Override
    public String toString() {
        return "StreamServerOptions[host=" + host + ", port=" + port + ", token=" + (token == null ? "none" : "REDACTED")
                + ", maxPayloadBytes=" + maxPayloadBytes + ", maxQueuedBytes=" + maxQueuedBytes + ", heartbeatInterval="
                + heartbeatInterval + ", stallTimeout=" + stallTimeout + ", compress=" + compress + ", spoolDir="
                + spoolDir + ", ioThreads=" + ioThreads + ", nativeTransport=" + nativeTransport + ", tls=" + tls
                + ", limits=" + limits + "]";
    }

    public StreamServerOptions withAddress(String newHost, int newPort) {
        return new StreamServerOptions(newHost, newPort, token, maxPayloadBytes, maxQueuedBytes, heartbeatInterval,
                stallTimeout, compress, spoolDir, ioThreads, nativeTransport, tls, limits);
    }

    public StreamServerOptions withToken(String newToken) {
        return new StreamServerOptions(host, port, newToken, maxPayloadBytes, maxQueuedBytes, heartbeatInterval,
                stallTimeout, compress, spoolDir, ioThreads, nativeTransport, tls, limits);
    }

    public StreamServerOptions withLimits(int newMaxPayloadBytes, int newMaxQueuedBytes) {
        return new StreamServerOptions(host, port, token, newMaxPayloadBytes, newMaxQueuedBytes, heartbeatInterval,
                stallTimeout, compress, spoolDir, ioThreads, nativeTransport, tls, limits);
    }

    public StreamServerOptions withTimers(Duration newHeartbeatInterval, Duration newStallTimeout) {
        return new StreamServerOptions(host, port, token, maxPayloadBytes, maxQueuedBytes, newHeartbeatInterval,
                newStallTimeout, compress, spoolDir, ioThreads, nativeTransport, tls, limits);
    }

    public StreamServerOptions withCompression(boolean newCompress) {
        return new StreamServerOptions(host, port, token, maxPayloadBytes, maxQueuedBytes, heartbeatInterval,
                stallTimeout, newCompress, spoolDir, ioThreads, nativeTransport, tls, limits);
    }

    public StreamServerOptions withSpoolDir(Path newSpoolDir) {
        return new StreamServerOptions(host, port, token, maxPayloadBytes, maxQueuedBytes, heartbeatInterval,
                stallTimeout, compress, newSpoolDir, ioThreads, nativeTransport, tls, limits);
    }

    public StreamServerOptions withNativeTransport(boolean newNativeTransport) {
        return new StreamServerOptions(host, port, token, maxPayloadBytes, maxQueuedBytes, heartbeatInterval,
                stallTimeout, compress, spoolDir, ioThreads, newNativeTransport, tls, limits);
    }

    public StreamServerOptions withTls(ServerTls newTls) {
        return new StreamServerOptions(host, port, token, maxPayloadBytes, maxQueuedBytes, heartbeatInterval,
                stallTimeout, compress, spoolDir, ioThreads, nativeTransport, newTls, limits);
    }

    public StreamServerOptions withConnectionLimits(ConnectionLimits newLimits) {
        return new StreamServerOptions(host, port, token, maxPayloadBytes, maxQueuedBytes, heartbeatInterval,
                stallTimeout, compress, spoolDir, ioThreads, nativeTransport, tls, newLimits);
    }
}

package io.walship.primary.stream;

import io.walship.primary.config.ConfigBlock;
import io.walship.primary.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The config file's {@code stream:} block: {@code token}, {@code tls-cert}, {@code tls-key}, {@code client-ca},
 * {@code max-connections}, {@code header-timeout}, {@code idle-timeout}.
 */
public final class StreamConfig {
    private static final Set<String> KEYS = Set.of("token", "tls-cert", "tls-key", "client-ca", "max-connections",
            "header-timeout", "idle-timeout");

    private StreamConfig() {
    }

    /** {@code base} with what the block sets; a null block changes nothing. */
    public static StreamServerOptions apply(Map<String, Object> block, StreamServerOptions base) {
        if (block == null) {
            return base;
        }
        ConfigBlock b = ConfigBlock.of(block, "stream");
        b.requireOnly(KEYS);
        StreamServerOptions out = base;
        if (b.string("token") != null) {
            out = out.withToken(b.string("token"));
        }
        out = withTls(out, b.path("tls-cert"), b.path("tls-key"), b.path("client-ca"), "stream.");
        ConnectionLimits l = out.limits();
        Integer max = b.integer("max-connections");
        Duration header = b.duration("header-timeout");
        Duration idle = b.duration("idle-timeout");
        try {
            return out.withConnectionLimits(new ConnectionLimits(max != null ? max : l.maxConnections(),
                    header != null ? header : l.headerTimeout(), idle != null ? idle : l.idleTimeout()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("stream", e.getMessage());
        }
    }

    /**
     * {@code base} with TLS from these files (any may be null); {@code prefix} names them in errors
     * ({@code stream.} for config keys, {@code -} for flags).
     */
    public static StreamServerOptions withTls(StreamServerOptions base, Path cert, Path key, Path clientCa,
                                              String prefix) {
        if (cert == null && key == null && clientCa == null) {
            return base;
        }
        if (cert == null || key == null) {
            throw new ConfigException(prefix + (cert == null ? "tls-cert" : "tls-key"), "TLS needs both "
                    + prefix + "tls-cert and " + prefix + "tls-key" + (clientCa != null ? " (" + prefix
                    + "client-ca requires clients to present certificates over TLS)" : ""));
        }
        return base.withTls(new ServerTls(cert, key, clientCa));
    }
}

package io.walship.primary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.primary.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config file's {@code stream:} block as the server reads it. */
class StreamConfigTest {
    private static final StreamServerOptions BASE = StreamServerOptions.defaults();

    @Test
    void everyKeyReachesTheServerOptions() {
        StreamServerOptions o = StreamConfig.apply(Map.of("token", "s3cret", "tls-cert", "/etc/walship/cert.pem",
                "tls-key", "/etc/walship/key.pem", "client-ca", "/etc/walship/clients.pem", "max-connections", "64",
                "header-timeout", "5s", "idle-timeout", "2m"), BASE);
        assertThat(o.token()).isEqualTo("s3cret");
        assertThat(o.tls()).isEqualTo(new ServerTls(Path.of("/etc/walship/cert.pem"), Path.of("/etc/walship/key.pem"),
                Path.of("/etc/walship/clients.pem")));
        assertThat(o.limits()).isEqualTo(new ConnectionLimits(64, Duration.ofSeconds(5), Duration.ofMinutes(2)));
        assertThat(o.toString()).contains("token=REDACTED", "/etc/walship/cert.pem").doesNotContain("s3cret");
    }

    @Test
    void anAbsentBlockOrKeyKeepsTheDefaults() {
        assertThat(StreamConfig.apply(null, BASE)).isEqualTo(BASE);
        StreamServerOptions o = StreamConfig.apply(Map.of("token", "t"), BASE);
        assertThat(o.tls()).isNull();
        assertThat(o.limits()).isEqualTo(ConnectionLimits.defaults());
    }

    @Test
    void mistakesAreNamedByTheirKey() {
        assertProblem(Map.of("tls_cert", "/c.pem"), "stream.tls_cert: unknown key (known: client-ca, header-timeout,"
                + " idle-timeout, max-connections, tls-cert, tls-key, token)");
        assertProblem(Map.of("tls-cert", "/c.pem"), "stream.tls-key: TLS needs both stream.tls-cert and stream.tls-key");
        assertProblem(Map.of("client-ca", "/ca.pem"), "stream.tls-cert: TLS needs both stream.tls-cert and"
                + " stream.tls-key (stream.client-ca requires clients to present certificates over TLS)");
        assertProblem(Map.of("header-timeout", "5x"), "stream.header-timeout: invalid duration \"5x\"");
        assertProblem(Map.of("max-connections", "many"), "stream.max-connections: invalid integer \"many\"");
        assertProblem(Map.of("max-connections", "0"), "stream: max-connections must be positive");
        assertProblem(Map.of("tls-cert", Map.of("path", "/c.pem")), "stream.tls-cert: expected a single value");
    }

    private static void assertProblem(Map<String, Object> block, String message) {
        assertThatThrownBy(() -> StreamConfig.apply(block, BASE)).isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }
}

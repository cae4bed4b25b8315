package io.walship.follower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FollowerOptionsTest {

    @Test
    void theTokenNeverShowsInTheOptionsText() {
        FollowerOptions o = FollowerOptions.of(UpstreamUrl.parse("https://primary:7070/app.db"), Path.of("/r/app.db"))
                .withToken("s3cret");
        assertThat(o.toString()).contains("token=REDACTED", "https://primary:7070/app.db").doesNotContain("s3cret");
        assertThat(o.withToken(null).toString()).contains("token=none");
    }

    @Test
    void aClientCertificateNeedsItsKey() {
        assertThatThrownBy(() -> new UpstreamTls(null, Path.of("/c.pem"), null))
                .hasMessageContaining("set both cert and key, or neither");
        assertThatThrownBy(() -> new UpstreamTls(null, null, Path.of("/k.pem")))
                .hasMessageContaining("set both cert and key, or neither");
    }
}

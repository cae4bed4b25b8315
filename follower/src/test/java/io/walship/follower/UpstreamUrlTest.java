package io.walship.follower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.protocol.Pos;
import java.net.URI;
import org.junit.jupiter.api.Test;

class UpstreamUrlTest {

    @Test
    void nameIsThePath() {
        UpstreamUrl u = UpstreamUrl.parse("http://primary:7070/app.db");
        assertThat(u.base()).isEqualTo(URI.create("http://primary:7070"));
        assertThat(u.name()).isEqualTo("app.db");
        assertThat(u.streamUri(null)).isEqualTo(URI.create("http://primary:7070/stream/app.db"));
    }

    @Test
    void nameMayHaveSeveralSegments() {
        UpstreamUrl u = UpstreamUrl.parse("https://primary/tenants/a/app.db");
        assertThat(u.name()).isEqualTo("tenants/a/app.db");
        Pos pos = Pos.parse("a1b2c3d4e5f60718/0000000000000003:0000000000001038");
        assertThat(u.streamUri(pos)).isEqualTo(URI.create("https://primary/stream/tenants/a/app.db?pos=" + pos));
        assertThat(u).hasToString("https://primary/tenants/a/app.db");
    }

    @Test
    void rejectsEmptyOrRelativeSegments() {
        for (String bad : new String[] {"http://p:1/", "http://p:1", "http://p:1/a//b.db", "http://p:1/a/",
                "http://p:1/../b.db", "http://p:1/./b.db"}) {
            assertThatThrownBy(() -> UpstreamUrl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected http://HOST:PORT/NAME");
        }
    }
}

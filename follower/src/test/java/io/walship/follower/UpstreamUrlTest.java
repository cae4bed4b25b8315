package io.walship.follower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.protocol.Pos;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing a primary's URL, and which ones would carry the stream unencrypted across a network. */
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


    @Test
    void plainHttpToThisMachineStaysAllowed() {
        for (String url : List.of("http://127.0.0.1:7070/app.db", "http://127.8.9.10:1/app.db",
                "http://localhost:7070/app.db", "http://LOCALHOST/app.db", "http://[::1]:7070/app.db")) {
            assertThat(UpstreamUrl.parse(url).plainOverNetwork()).as(url).isFalse();
        }
    }

    @Test
    void plainHttpToAnythingElseIsOverTheNetwork() {
        for (String url : List.of("http://10.255.255.1:1/app.db", "http://192.168.1.2:7070/app.db",
                "http://primary:7070/app.db", "http://localhost.example.com/app.db", "http://127.0.0.1.nip.io/app.db",
                "http://[2001:db8::1]:7070/app.db", "http://0.0.0.0:7070/app.db")) {
            assertThat(UpstreamUrl.parse(url).plainOverNetwork()).as(url).isTrue();
        }
    }

    @Test
    void httpsIsNeverPlain() {
        UpstreamUrl u = UpstreamUrl.parse("https://primary.example:7070/app.db");
        assertThat(u.isHttps()).isTrue();
        assertThat(u.plainOverNetwork()).isFalse();
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutBeingQuoted() {
        assertThatThrownBy(() -> UpstreamUrl.parse("http://user:s3cret@127.0.0.1:7070/app.db"))
                .hasMessage("invalid primary URL \"http://REDACTED@127.0.0.1:7070/app.db\": credentials in the URL are"
                        + " not supported; use the token (-token, upstream.token)");
        assertThatThrownBy(() -> UpstreamUrl.parse("http://user:s3cret@127.0.0.1:7070/a b"))
                .hasMessageStartingWith("invalid primary URL \"http://REDACTED@127.0.0.1:7070/a b\"");
    }
}

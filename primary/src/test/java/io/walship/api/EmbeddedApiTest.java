package io.walship.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import io.walship.follower.UpstreamTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library example, run: write on the primary, read your write on the follower. */
class EmbeddedApiTest {
    @TempDir
    Path dir;

    @Test
    void readYourWritesThroughTheEmbeddedApi() throws Exception {
        Path db = dir.resolve("app.db");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
            try (Primary primary = Primary.builder()
                    .database(db, "file://" + dir.resolve("replica"))
                    .listen("127.0.0.1", 0)
                    .start();
                 Follower follower = Follower.start("http://127.0.0.1:" + primary.port() + "/app.db",
                         dir.resolve("replica.db"), null)) {
                follower.bindTo(meters);
                for (int i = 0; i < 50; i++) {
                    st.execute("INSERT INTO notes (body) VALUES ('note " + i + "')");
                    Pos written = primary.position("app.db");
                    assertThat(follower.awaitPosition(written, Duration.ofSeconds(30))).isTrue();
                    try (Connection r = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db"));
                         ResultSet rs = r.createStatement().executeQuery("SELECT count(*) FROM notes")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("the follower has every note written so far").isEqualTo(i + 1);
                    }
                }
                assertThat(primary.sync()).isTrue();
                assertThat(follower.health()).isEmpty();
                assertThat(meters.get("walship_follower_apply").timer().count()).isPositive();
                await().until(() -> meters.get("walship_follower_lag_bytes").gauge().value() == 0);
            }
            assertThat(meters.find("walship_follower_apply").timer()).as("a closed follower leaves the registry").isNull();
        }
    }

    @Test
    void unknownNamesAndBadUrlsAreClearErrors() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE t (x)");
            try (Primary primary = Primary.builder().database(db, "file://" + dir.resolve("replica")).start()) {
                assertThat(primary.port()).isEqualTo(-1);
                assertThatThrownBy(() -> primary.position("other.db")).hasMessageContaining("no database named 'other.db'");
            }
        }
        assertThatThrownBy(() -> Follower.start("ftp://x/app.db", dir.resolve("f.db"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://HOST:PORT/NAME");
        assertThatThrownBy(() -> Follower.start("http://192.0.2.1:7070/app.db", dir.resolve("f.db"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refusing plain http:// to 192.0.2.1");
        try (Follower allowed = Follower.start("http://192.0.2.1:7070/app.db", dir.resolve("f.db"), null,
                UpstreamTls.defaults(), true)) {
            assertThat(allowed.position()).isEmpty();
        }
    }
}

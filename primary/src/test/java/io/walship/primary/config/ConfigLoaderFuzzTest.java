package io.walship.primary.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A config file is typed by people and templated by tools. Whatever it holds, loading it either gives a config or a
 * {@link ConfigException} that is one line naming the file; never another exception, a stack overflow or a hang.
 */
class ConfigLoaderFuzzTest {
    private static final ConfigLoader LOADER = new ConfigLoader(Map.of("BUCKET", "bucket", "DIR", "/data"),
            Path.of("/nonexistent/walship.yml"), Path.of("/nonexistent/litestream.yml"));

    @FuzzTest
    void loadsAnyText(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            Config c = LOADER.parse(text, "fuzz.yml", true);
            assertThat(c.dbs()).allSatisfy(db -> assertThat(db.path()).isNotNull());
        } catch (ConfigException e) {
            assertThat(e.getMessage()).startsWith("fuzz.yml").doesNotContain("\n");
        }
    }
}

package io.walship.primary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataWarmupTest {

    @Test
    void restoresItsOwnReplicaAndCleansUp(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("warmup"));
        // Throws unless the restore it goes through succeeded.
        ClassDataWarmup.run(dir);
        assertThat(dir).doesNotExist();
    }
}

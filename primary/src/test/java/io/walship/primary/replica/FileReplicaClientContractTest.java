package io.walship.primary.replica;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The shared replica contract on a directory. */
class FileReplicaClientContractTest extends ReplicaClientContract {
    @TempDir
    Path dir;

    @Override
    ReplicaClient open() {
        return new FileReplicaClient(dir.resolve("replica"));
    }

    @Override
    void putRaw(String path, byte[] bytes) throws Exception {
        Path p = dir.resolve("replica").resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }
}

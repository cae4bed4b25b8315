package io.walship.bench;

import io.walship.primary.cli.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The tool compared against: the litestream v0.3.13 binary ({@code .ci/fetch-litestream} installs it). */
final class Litestream {
    static final String VERSION = "v0.3.13";

    private final Path binary;

    private Litestream(Path binary) {
        this.binary = binary;
    }

    /** The binary at {@code path}, checked to run and to be {@value #VERSION}; a clear error otherwise. */
    static Litestream locate(Path path, Path logDir) throws IOException, InterruptedException {
        if (!Files.isExecutable(path)) {
            throw new UserException("litestream " + VERSION + " not found at " + path
                    + ": run .ci/fetch-litestream or pass -litestream PATH; the comparison cannot run without it");
        }
        Litestream l = new Litestream(path);
        Path log = logDir.resolve("litestream-version.log");
        try (ChildProcess p = l.start("litestream version", log, "version")) {
            p.awaitSuccess(Duration.ofSeconds(30));
        }
        String version = Files.readString(log).strip();
        if (!version.startsWith(VERSION)) {
            throw new UserException(path + " is litestream " + version + ", the suite compares against " + VERSION);
        }
        return l;
    }

    /** The default place: the build's {@code .peer/litestream}. */
    static Path defaultPath() {
        return RepoHome.locate().resolve(".peer/litestream");
    }

    ChildProcess start(String name, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        return ChildProcess.start(name, cmd, Map.of(), log);
    }
}

package io.walship.bench.cli;

import io.walship.bench.BenchContext;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every part of the suite takes: where results go, the peer binary, the walship processes' JVM options. */
final class CommonOptions {
    @Option(names = {"-results", "--results"}, paramLabel = "FILE", defaultValue = "bench-results.md",
            description = "Markdown file whose section for each part run is rewritten (default ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = {"-litestream", "--litestream"}, paramLabel = "PATH", defaultValue = "${env:WALSHIP_LITESTREAM}",
            description = "The litestream v0.3.13 binary (default: $WALSHIP_LITESTREAM, else the build's .peer/litestream).")
    Path litestream;

    @Option(names = {"-java-opts", "--java-opts"}, paramLabel = "OPTS", defaultValue = "-XX:+UseSerialGC",
            description = "JVM options of the walship processes started, as WALSHIP_JAVA_OPTS (default ${DEFAULT-VALUE}, "
                    + "as the shipped service and image use).")
    String javaOpts;

    @Option(names = {"-workdir", "--workdir"}, paramLabel = "DIR", defaultValue = "${sys:java.io.tmpdir}",
            description = "Where scratch files go; needs room for several copies of the largest database "
                    + "(default ${DEFAULT-VALUE}).")
    Path workDir;

    BenchContext open() throws IOException {
        return BenchContext.open(results, litestream, javaOpts, workDir, System.out);
    }
}

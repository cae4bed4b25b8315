package io.walship.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * What the parts of one {@code walship bench} run share: where results and progress go, the two tools (checked
 * once, when first needed), the JVM options of the walship processes, and a scratch directory with the test
 * databases built so far (a 1 GiB database is built once per run, then copied). Closing deletes the scratch.
 */
public final class BenchContext implements AutoCloseable {
    private final Path results;
    private final PrintStream out;
    private final Path litestreamPath;
    private final String javaOpts;
    private final Path scratch;
    private final Map<Long, Path> databases = new HashMap<>();
    private Litestream litestream;
    private Walship walship;
    private String machine;

    private BenchContext(Path results, PrintStream out, Path litestreamPath, String javaOpts, Path scratch) {
        this.results = results;
        this.out = out;
        this.litestreamPath = litestreamPath;
        this.javaOpts = javaOpts;
        this.scratch = scratch;
    }

    /**
     * @param litestream the litestream binary, or null for the build's {@code .peer/litestream}
     * @param workDir    where the scratch directory goes (it needs room for a few copies of the largest database)
     */
    public static BenchContext open(Path results, Path litestream, String javaOpts, Path workDir, PrintStream out)
            throws IOException {
        quietLibraries();
        Files.createDirectories(workDir);
        return new BenchContext(results, out, litestream, javaOpts, Files.createTempDirectory(workDir, "walship-bench-"));
    }

    /** The suite's own output is its tables: the code it drives logs warnings only. */
    private static void quietLibraries() {
        for (String name : new String[] {"io.walship", "org.gaul", "org.eclipse.jetty"}) {
            ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
        }
    }

    PrintStream out() {
        return out;
    }

    Litestream litestream() throws IOException, InterruptedException {
        if (litestream == null) {
            litestream = Litestream.locate(litestreamPath != null ? litestreamPath : Litestream.defaultPath(), scratch);
        }
        return litestream;
    }

    Walship walship() {
        if (walship == null) {
            walship = Walship.locate(javaOpts);
        }
        return walship;
    }

    /** Checks up front that both tools are there, so a whole-suite run fails before measuring anything. */
    public void requireTools() throws IOException, InterruptedException {
        walship();
        litestream();
    }

    /** The machine, described once per run (it includes a short fsync measurement). */
    String machine() throws IOException {
        if (machine == null) {
            machine = MachineInfo.describe();
        }
        return machine;
    }

    /** A new empty directory in the scratch space. */
    Path newDir(String name) throws IOException {
        return Files.createTempDirectory(scratch, name + "-");
    }

    /**
     * A fresh copy, at {@code target}, of a {@link TestDatabase} of about {@code bytes}; the first request for a
     * size builds it, later ones copy it.
     */
    Path copyOfTestDatabase(long bytes, Path target) throws Exception {
        Path built = databases.get(bytes);
        if (built == null) {
            built = scratch.resolve("test-" + bytes + ".db");
            long t = System.nanoTime();
            TestDatabase.create(built, bytes);
            out.printf("  built a %.0f MiB test database in %.1f s%n", Files.size(built) / 1048576.0, (System.nanoTime() - t) / 1e9);
            databases.put(bytes, built);
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.copy(built, target);
        return target;
    }

    void writeSection(String heading, String body) throws IOException {
        ResultsFile.writeSection(results, heading, body);
        out.println("walship " + heading + ": written to " + results.toAbsolutePath());
    }

    /** Deletes a directory from {@link #newDir} once a case is done with it: large databases add up. */
    void discard(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() throws IOException {
        discard(scratch);
    }
}

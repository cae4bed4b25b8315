package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.primary.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One daemon ({@code walship replicate -config}, its own process, heap capped at 256 MiB) replicates a {@code dir}
 * entry of 300 databases to file replicas and serves them to followers. Ten more files appear while it runs and
 * are picked up; ten databases are written under load while followers of three of them (one in a subdirectory,
 * one created late) keep up. Its threads and heap are measured from outside and must stay under 64 and 256 MiB.
 * After a clean stop every database restores equal to its source ({@code restore -config DB_PATH}, found through
 * the dir entry), and a sample also with the real litestream binary.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ManyDatabasesIT {
    private static final int DATABASES = 300;
    /** The last ones live in {@code sub/}, named {@code sub/dbNNN.db}. */
    private static final int IN_SUBDIRECTORY = 30;
    private static final int CREATED_LATER = 10;
    private static final long HEAP_LIMIT_KIB = 256 * 1024;
    private static final int THREAD_LIMIT = 64;
    private static final Duration LOAD = Duration.ofSeconds(8);
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void oneDaemonReplicatesAndStreamsThreeHundredDatabasesInBoundedMemoryAndThreads() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("sub"));
        Path replicas = dir.resolve("replicas");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < DATABASES; i++) {
            names.add((i >= DATABASES - IN_SUBDIRECTORY ? "sub/" : "") + String.format("db%03d.db", i));
        }
        inParallel(names, name -> create(data.resolve(name)));
        int port = WalshipProcess.freePort();
        Path config = dir.resolve("walship.yml");
        Files.writeString(config, """
                addr: 127.0.0.1:%d
                dbs:
                  - dir: %s
                    pattern: "*.db"
                    recursive: true
                    scan-interval: 500ms
                    replica:
                      url: file://%s
                """.formatted(port, data, replicas));

        Peak peak = new Peak();
        try (RunningProcess walship = WalshipProcess.start(Map.of("WALSHIP_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC"),
                "replicate", "-config", config.toString())) {
            walship.awaitLine(l -> l.contains("serving followers on"), WAIT);
            ProcessFigures figures = new ProcessFigures(walship.pid());
            assertThat(walship.stderr().lines().filter(l -> l.contains("msg=\"replicating ")).count())
                    .as(walship.describe()).isEqualTo(DATABASES);
            peak.sample(figures);

            List<String> later = new ArrayList<>();
            for (int i = 0; i < CREATED_LATER; i++) {
                String name = (i == 0 ? "sub/" : "") + String.format("new%02d.db", i);
                create(data.resolve(name));
                later.add(name);
            }
            for (String name : later) {
                walship.awaitLine(l -> l.contains("msg=\"replicating " + data.resolve(name) + " "), WAIT);
            }
            names.addAll(later);

            List<String> written = List.of("db000.db", "db001.db", "db002.db", "db003.db", "db004.db",
                    names.get(DATABASES - 1), names.get(DATABASES - 2), later.get(0), later.get(1), later.get(2));
            List<String> followed = List.of("db000.db", names.get(DATABASES - 1), later.get(0));
            List<FollowerThread> followers = new ArrayList<>();
            try {
                for (String name : followed) {
                    Path copy = Files.createDirectories(dir.resolve("followers")).resolve(name.replace('/', '_'));
                    followers.add(new FollowerThread(new PrimaryHttp("127.0.0.1", port, name).followUrl(), copy));
                }
                for (FollowerThread f : followers) {
                    Convergence.awaitFirstSnapshot(f.db(), WAIT, f::check);
                }
                long commits = writeUnderLoad(data, written, walship, figures, peak);
                for (int i = 0; i < followed.size(); i++) {
                    FollowerThread f = followers.get(i);
                    Convergence.await(new PrimaryHttp("127.0.0.1", port, followed.get(i)), f.db(), WAIT, f::check);
                    try (Connection source = SqliteFixture.open(data.resolve(followed.get(i)))) {
                        DbCompare.assertSameContent(source, f.db());
                    }
                }
                peak.sample(figures);
                double idleCpu = figures.cpuPercent(Duration.ofSeconds(5));
                System.out.printf("ManyDatabasesIT: %d databases (%d found while running), %d commits to %d of them"
                                + " under load, %d followers; daemon (-Xmx256m): peak threads %d, peak heap used %d MiB,"
                                + " live heap after full GC %d MiB, RSS %d MiB, CPU idle %.1f%% of one core%n",
                        names.size(), CREATED_LATER, commits, written.size(), followers.size(), peak.threads,
                        peak.heapKib / 1024, figures.liveHeapKib() / 1024, figures.rssKib() / 1024, idleCpu);
                assertThat(peak.threads).isLessThan(THREAD_LIMIT);
                assertThat(peak.heapKib).isLessThan(HEAP_LIMIT_KIB);
            } finally {
                for (FollowerThread f : followers) {
                    f.close();
                }
            }
            ProcessResult stopped = walship.terminate(WAIT);
            assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
            assertThat(stopped.stderr()).as(stopped.describe()).doesNotContain("OutOfMemoryError").doesNotContain("ERROR");
        }

        Path restored = Files.createDirectories(dir.resolve("restored"));
        inParallel(names, name -> {
            Path out = restored.resolve(name.replace('/', '_'));
            assertThat(Main.run("restore", "-config", config.toString(), "-o", out.toString(),
                    data.resolve(name).toString())).as("restore " + name).isZero();
            DbCompare.assertSameContent(data.resolve(name), out);
        });
        Path viaLauncher = restored.resolve("launcher.db");
        WalshipProcess.run("restore", "-config", config.toString(), "-o", viaLauncher.toString(),
                data.resolve(names.get(DATABASES - 1)).toString()).assertSuccess();
        DbCompare.assertSameContent(data.resolve(names.get(DATABASES - 1)), viaLauncher);
        LitestreamBinary litestream = LitestreamBinary.locate();
        for (String name : List.of("db000.db", "db150.db", names.get(DATABASES - 1), names.get(names.size() - 1))) {
            Path out = restored.resolve("litestream-" + name.replace('/', '_'));
            litestream.restore(WalshipProcess.fileUrl(replicas.resolve(name)), out);
            DbCompare.assertSameContent(data.resolve(name), out);
        }
    }

    /** Commits round-robin to {@code written} for {@link #LOAD}, sampling the daemon's figures on the way. */
    private static long writeUnderLoad(Path data, List<String> written, RunningProcess walship, ProcessFigures figures,
                                       Peak peak) throws Exception {
        List<Connection> conns = new ArrayList<>();
        try {
            for (String name : written) {
                conns.add(SqliteFixture.open(data.resolve(name)));
            }
            long commits = 0;
            long end = System.nanoTime() + LOAD.toNanos();
            long nextSample = 0;
            while (System.nanoTime() < end) {
                for (Connection c : conns) {
                    SqliteFixture.exec(c, "INSERT INTO t (v) VALUES (hex(randomblob(100)))");
                    commits++;
                }
                if (System.nanoTime() > nextSample) {
                    walship.assertAlive();
                    peak.sample(figures);
                    nextSample = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
            return commits;
        } finally {
            for (Connection c : conns) {
                c.close();
            }
        }
    }

    @FunctionalInterface
    private interface Step {
        void run(String name) throws Exception;
    }

    /** On two threads: setting up and checking hundreds of files is mostly waiting for the disk. */
    private static void inParallel(List<String> names, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String name : names) {
                done.add(pool.submit(() -> {
                    step.run(name);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw (Exception) e.getCause();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void create(Path db) throws Exception {
        try (Connection c = SqliteFixture.open(db)) {
            SqliteFixture.exec(c, "PRAGMA journal_mode = WAL");
            SqliteFixture.exec(c, "PRAGMA synchronous = OFF"); // setting up 300 files, not the subject
            SqliteFixture.exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            SqliteFixture.exec(c, "INSERT INTO t (v) VALUES ('" + db.getFileName() + "')");
        }
    }

    /** The highest thread count and heap use seen. */
    private static final class Peak {
        int threads;
        long heapKib;

        void sample(ProcessFigures f) {
            threads = Math.max(threads, f.threads());
            heapKib = Math.max(heapKib, f.heapUsedKib());
        }
    }
}

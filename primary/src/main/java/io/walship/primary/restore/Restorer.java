package io.walship.primary.restore;

import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.WalSegmentInfo;
import io.walship.protocol.ReplicaLayout;
import io.walship.protocol.WalHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rebuilds a database from a {@link RestoreTarget}: downloads the snapshot and each index's WAL in parallel,
 * then lets SQLite checkpoint the indexes into the snapshot one by one, checks integrity, and moves the result
 * to the output path in one step. Any failure removes every temporary file; {@code <out>} only ever appears
 * complete.
 */
public final class Restorer {
    public static final int DEFAULT_PARALLELISM = 8;

    private final int parallelism;
    private final RestoreProgress progress;

    public Restorer(int parallelism, RestoreProgress progress) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        this.parallelism = parallelism;
        this.progress = progress;
    }

    public RestoreResult restore(ReplicaClient client, RestoreTarget target, Path output) throws IOException {
        Path out = output.toAbsolutePath().normalize();
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new RestoreException("cannot restore, output path already exists: " + out);
        }
        Files.createDirectories(out.getParent());
        long started = System.nanoTime();
        AtomicLong downloaded = new AtomicLong();
        RestoreProgress counting = new CountingProgress(progress, downloaded);
        RestoreFiles files = new RestoreFiles(out);
        files.removeStale();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, daemonThreads());
        boolean done = false;
        try {
            counting.start(target, out);
            pool.execute(WalApplier::preload);
            ReplicaDownloader downloader = new ReplicaDownloader(client, files, counting);
            CompletableFuture<Void> anyFailure = new CompletableFuture<>();
            // Submitted in apply order, so with few workers the first indexes are ready first.
            CompletableFuture<Integer> snapshot = submit(pool, anyFailure, () -> downloader.snapshot(target.snapshot()));
            Map<Long, CompletableFuture<WalHeader>> wals = new TreeMap<>();
            for (Map.Entry<Long, List<WalSegmentInfo>> e : target.walIndexes().entrySet()) {
                wals.put(e.getKey(), submit(pool, anyFailure, () -> downloader.index(target.generation(), e.getKey(), e.getValue())));
            }
            int pageSize = await(snapshot, anyFailure);
            WalHeader previous = null;
            for (Map.Entry<Long, CompletableFuture<WalHeader>> e : wals.entrySet()) {
                long index = e.getKey();
                WalHeader header = await(e.getValue(), anyFailure);
                if (header.pageSize() != pageSize) {
                    throw new RestoreException(String.format(Locale.ROOT,
                            "page size mismatch: generation=%s index=%08x: WAL page size %d, snapshot page size %d",
                            target.generation(), index, header.pageSize(), pageSize));
                }
                // SQLite would apply another database's WAL without a word; each index must be the restart of the last.
                if (previous != null && !header.isRestartOf(previous)) {
                    throw new RestoreException(String.format(Locale.ROOT, "broken WAL continuity: generation=%s index=%08x"
                            + " does not restart index %08x (salt-1 %08x after %08x): the replica mixes WAL of another"
                            + " database or generation; restore up to the previous index with -index %x",
                            target.generation(), index, index - 1, header.salt1(), previous.salt1(), index - 1));
                }
                previous = header;
                counting.phase("applying WAL index " + ReplicaLayout.hex8(index) + " of "
                        + ReplicaLayout.hex8(target.walIndexes().firstKey()) + ".." + ReplicaLayout.hex8(target.walIndexes().lastKey()));
                files.installWal(index);
                WalApplier.checkpoint(files.db(), target.generation(), index);
            }
            counting.phase("checking integrity");
            WalApplier.integrityCheck(files.db());
            files.removeSqliteCompanions();
            files.publish();
            done = true;
            long size = Files.size(out);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            counting.phase(String.format(Locale.ROOT, "restored %s (%d bytes) in %d ms", out, size, elapsed.toMillis()));
            return new RestoreResult(out, target, downloaded.get(), size, elapsed);
        } finally {
            pool.shutdownNow();
            if (!done) {
                files.discard();
            }
            awaitQuietly(pool);
            counting.close();
        }
    }

    @FunctionalInterface
    private interface IoTask<T> {
        T run() throws IOException;
    }

    /** Runs a download; its failure also completes {@code anyFailure} so the applier stops waiting at once. */
    private static <T> CompletableFuture<T> submit(ExecutorService pool, CompletableFuture<Void> anyFailure, IoTask<T> task) {
        CompletableFuture<T> f = CompletableFuture.supplyAsync(() -> {
            try {
                return task.run();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, pool);
        f.whenComplete((v, ex) -> {
            if (ex != null) {
                anyFailure.completeExceptionally(ex);
            }
        });
        return f;
    }

    /** Waits for {@code f}, or fails as soon as any download failed. */
    @SuppressWarnings("unchecked")
    private static <T> T await(CompletableFuture<T> f, CompletableFuture<Void> anyFailure) throws IOException {
        try {
            return (T) CompletableFuture.anyOf(f, anyFailure).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "restore-download-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Counts downloaded bytes for the result while forwarding everything to the user's progress. */
    private record CountingProgress(RestoreProgress delegate, AtomicLong bytes) implements RestoreProgress {
        @Override
        public void start(RestoreTarget target, Path out) {
            delegate.start(target, out);
        }

        @Override
        public void downloaded(long n) {
            bytes.addAndGet(n);
            delegate.downloaded(n);
        }

        @Override
        public void phase(String description) {
            delegate.phase(description);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}

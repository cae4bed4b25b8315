package io.walship.primary.archive;

import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.capture.DatabaseReplacedException;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.stream.StreamSources;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiving daemon for a set of databases: one capture loop polls every database's WAL every few
 * milliseconds, and a small shared scheduler runs each replica's sync, snapshot and retention timers.
 */
public final class Replicator implements AutoCloseable, StreamSources {
    private static final Logger log = LoggerFactory.getLogger(Replicator.class);
    static final long CAPTURE_POLL_MILLIS = 2;

    private final Function<ReplicaConfig, ReplicaClient> clients;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread captureThread;

    /**
     * One database with its replicas; {@code lastFullSync} is when the capture loop last synced it unasked,
     * {@code tasks} its scheduled timers.
     */
    public record Entry(CapturedDatabase db, List<ReplicaWorker> workers, AtomicLong lastFullSync,
                        List<ScheduledFuture<?>> tasks) {
    }

    public Replicator(Function<ReplicaConfig, ReplicaClient> clients) {
        this.clients = clients;
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "walship-archive");
            t.setDaemon(true);
            return t;
        });
        this.captureThread = new Thread(this::captureLoop, "walship-capture");
        this.captureThread.setDaemon(true);
        this.captureThread.start();
    }

    /** Starts capturing and archiving one database. */
    public Entry add(DbConfig config) throws IOException {
        CapturedDatabase db = CapturedDatabase.open(config);
        List<ReplicaWorker> workers = new ArrayList<>();
        try {
            for (ReplicaConfig rc : config.replicas()) {
                ReplicaClient client = clients.apply(rc);
                workers.add(new ReplicaWorker(db, client, rc, rc.displayName(client.type())));
            }
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        Entry entry = new Entry(db, workers, new AtomicLong(System.currentTimeMillis()), new CopyOnWriteArrayList<>());
        entries.add(entry);
        for (ReplicaWorker w : workers) {
            schedule(entry, w);
        }
        return entry;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The database followers know as {@code name}; after a replacement, the newly captured one. */
    @Override
    public CapturedDatabase find(String name) {
        for (Entry e : entries) {
            if (e.db().config().effectiveName().equals(name)) {
                return e.db();
            }
        }
        return null;
    }

    private void schedule(Entry entry, ReplicaWorker w) {
        long sync = millis(w.config().syncInterval(), 1000);
        entry.tasks().add(scheduler.scheduleWithFixedDelay(() -> syncWorker(entry, w), 0, sync, TimeUnit.MILLISECONDS));
        Duration retention = w.config().retention();
        if (retention != null && !retention.isZero()) {
            long every = Math.min(millis(w.config().retentionCheckInterval(), 3_600_000), retention.toMillis());
            entry.tasks().add(scheduler.scheduleWithFixedDelay(() -> retain(entry, w, retention), every, every,
                    TimeUnit.MILLISECONDS));
        }
        Duration snapshotEvery = w.config().snapshotInterval();
        if (snapshotEvery != null && !snapshotEvery.isZero()) {
            entry.tasks().add(scheduler.schedule(() -> snapshotTick(entry, w, snapshotEvery), snapshotEvery.toMillis(),
                    TimeUnit.MILLISECONDS));
        }
    }

    /** Syncs a database as soon as its WAL changes size, and at least every monitor interval. */
    private void captureLoop() {
        while (running.get()) {
            long now = System.currentTimeMillis();
            for (Entry e : entries) {
                boolean due = now - e.lastFullSync().get() >= millis(e.db().config().monitorInterval(), 1000);
                if (due || e.db().walGrew()) {
                    if (due) {
                        e.lastFullSync().set(now);
                    }
                    try {
                        e.db().sync();
                        if (due && e.workers().isEmpty()) {
                            retainShadow(e);
                        }
                    } catch (DatabaseReplacedException ex) {
                        reopen(e, ex);
                    } catch (IOException | RuntimeException ex) {
                        log.warn("{}: sync failed: {}", e.db().path(), ex.getMessage());
                    }
                }
            }
            sleep(CAPTURE_POLL_MILLIS);
        }
    }

    /** A database replaced under us is captured afresh: a new generation, never a mix of two files. */
    private void reopen(Entry old, DatabaseReplacedException why) {
        for (ScheduledFuture<?> t : old.tasks()) {
            t.cancel(false);
        }
        entries.remove(old);
        old.db().abandon();
        for (ReplicaWorker w : old.workers()) {
            w.client().close();
        }
        log.warn("{}; starting a new generation", why.getMessage());
        try {
            add(old.db().config());
        } catch (IOException | RuntimeException ex) {
            log.error("{}: cannot reopen: {}; will retry", old.db().path(), ex.getMessage());
            scheduler.schedule(() -> reopen(old, why), 1, TimeUnit.SECONDS);
        }
    }

    private void syncWorker(Entry entry, ReplicaWorker w) {
        try {
            w.sync();
            retainShadow(entry);
        } catch (IOException | RuntimeException ex) {
            log.warn("{}: replica {}: sync failed: {}", entry.db().path(), w.name(), ex.getMessage());
        }
    }

    /**
     * Local shadow WALs are kept until every replica has uploaded them; with no replica (a stream-only primary)
     * the current and the previous index are kept, so a follower that just lost its connection can still resume.
     */
    private void retainShadow(Entry entry) throws IOException {
        if (entry.workers().isEmpty()) {
            entry.db().retainShadowFrom(Math.max(0, entry.db().position().index() - 1));
            return;
        }
        long min = Long.MAX_VALUE;
        String gen = entry.db().position().generation();
        for (ReplicaWorker w : entry.workers()) {
            var p = w.position();
            if (p == null || !p.generation().equals(gen)) {
                return;
            }
            min = Math.min(min, p.index());
        }
        if (min != Long.MAX_VALUE) {
            entry.db().retainShadowFrom(min);
        }
    }

    private void retain(Entry entry, ReplicaWorker w, Duration retention) {
        try {
            w.enforceRetention(retention);
        } catch (IOException | RuntimeException ex) {
            log.warn("{}: replica {}: retention failed: {}", entry.db().path(), w.name(), ex.getMessage());
        }
    }

    /** Snapshot timer aligned to the newest snapshot, as Litestream does, so restarts do not reset it. */
    private void snapshotTick(Entry entry, ReplicaWorker w, Duration every) {
        if (!running.get()) {
            return;
        }
        long delay = every.toMillis();
        try {
            Instant last = w.lastSnapshotAt();
            Instant due = last == null ? Instant.now() : last.plus(every);
            if (!Instant.now().isBefore(due)) {
                w.snapshotNow();
            } else {
                delay = Math.max(1, due.toEpochMilli() - System.currentTimeMillis());
            }
        } catch (IOException | RuntimeException ex) {
            log.warn("{}: replica {}: snapshot failed: {}", entry.db().path(), w.name(), ex.getMessage());
        }
        ScheduledFuture<?> ignored = scheduler.schedule(() -> snapshotTick(entry, w, every), delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Captures and uploads everything committed so far, for every database and replica; the daemon calls this
     * on shutdown (Litestream's final sync). Returns false if some replica could not be brought up to date.
     */
    public boolean syncAll() {
        boolean ok = true;
        for (Entry e : entries) {
            try {
                e.db().sync();
            } catch (IOException | RuntimeException ex) {
                log.warn("{}: final sync failed: {}", e.db().path(), ex.getMessage());
                ok = false;
            }
            for (ReplicaWorker w : e.workers()) {
                try {
                    w.sync();
                } catch (IOException | RuntimeException ex) {
                    log.warn("{}: replica {}: final sync failed: {}", e.db().path(), w.name(), ex.getMessage());
                    ok = false;
                }
            }
        }
        return ok;
    }

    /**
     * Stops the capture loop and timers and closes replica clients, but leaves the SQLite connections open:
     * a daemon that exits this way leaves the WAL in place for its next start.
     */
    public void stop() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        try {
            captureThread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Entry e : entries) {
            for (ReplicaWorker w : e.workers()) {
                w.client().close();
            }
        }
    }

    /** Stops, then closes the databases too (in-process use and tests). */
    @Override
    public void close() {
        stop();
        for (Entry e : entries) {
            e.db().close();
        }
    }

    private static long millis(Duration d, long fallback) {
        return d == null || d.isZero() || d.isNegative() ? fallback : d.toMillis();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

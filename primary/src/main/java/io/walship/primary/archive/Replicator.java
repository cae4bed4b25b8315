package io.walship.primary.archive;

import io.micrometer.core.instrument.MeterRegistry;
import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.capture.DatabaseReplacedException;
import io.walship.primary.capture.WalWatcher;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.credentials.CredentialSettings;
import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.ReplicaClients;
import io.walship.primary.stream.StreamSources;
import io.walship.primary.config.DirScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiving daemon for a set of databases: one capture loop, woken by writes to any database's WAL (and
 * polling as a fallback), and a small shared scheduler that runs each replica's sync, snapshot and retention
 * timers.
 */
public final class Replicator implements AutoCloseable, StreamSources {
    private static final Logger log = LoggerFactory.getLogger(Replicator.class);
    /** How often every WAL is checked without a file watcher. */
    static final long CAPTURE_POLL_MILLIS = 2;
    /** How often every WAL is checked anyway while a file watcher reports writes as they happen. */
    static final long WATCHED_POLL_MILLIS = 100;

    private final Function<ReplicaConfig, ReplicaClient> clients;
    private final Clock clock;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread captureThread;
    private final WalWatcher watcher = new WalWatcher();
    private final List<ArchiveMeters> meters = new CopyOnWriteArrayList<>();
    /** Databases replaced under us whose reopening failed and is retried; guarded by {@code this}. */
    private final Set<Path> reopening = new HashSet<>();
    /** This daemon, as named in the owner markers of its replicas. */
    private final DaemonIdentity self = DaemonIdentity.current();

    /**
     * One database with its replicas; {@code lastFullSync} is when the capture loop last synced it unasked (on the
     * monotonic clock, in milliseconds),
     * {@code tasks} its scheduled timers, {@code backlog} the local shadow WAL its replicas still need.
     */
    public record Entry(CapturedDatabase db, List<ReplicaWorker> workers, AtomicLong lastFullSync,
                        List<ScheduledFuture<?>> tasks, BacklogBudget backlog) {
    }

    public Replicator(Function<ReplicaConfig, ReplicaClient> clients) {
        this(clients, Clock.systemUTC());
    }

    /**
     * {@code clock}: the wall clock that dates snapshot and retention timers and reported times (tests set it
     * back and forth); intervals between captures and upload retries run on the monotonic clock, whatever it says.
     */
    public Replicator(Function<ReplicaConfig, ReplicaClient> clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "walship-archive");
            t.setDaemon(true);
            return t;
        });
        // Timers may be due in hours (snapshot-interval); stop() must not wait for them.
        timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler = timers;
        this.captureThread = new Thread(this::captureLoop, "walship-capture");
        this.captureThread.setDaemon(true);
        this.captureThread.start();
    }

    /** Starts capturing and archiving one database. */
    public synchronized Entry add(DbConfig config) throws IOException {
        List<ReplicaClient> opened = new ArrayList<>();
        List<ReplicaLease> leases = new ArrayList<>();
        List<ReplicaWorker> workers = new ArrayList<>();
        CapturedDatabase db = null;
        try {
            // Claim every replica before touching the database: a replica owned by another daemon stops us here.
            for (ReplicaConfig rc : config.replicas()) {
                ReplicaClient client = clients.apply(rc);
                opened.add(client);
                leases.add(ReplicaLease.acquire(client, self, config.path(), rc.syncInterval()));
            }
            db = CapturedDatabase.open(config);
            for (int i = 0; i < opened.size(); i++) {
                ReplicaConfig rc = config.replicas().get(i);
                workers.add(new ReplicaWorker(db, opened.get(i), leases.get(i), rc, rc.displayName(opened.get(i).type())));
            }
        } catch (IOException | RuntimeException e) {
            leases.forEach(ReplicaLease::release);
            opened.forEach(ReplicaClient::close);
            if (db != null) {
                db.close();
            }
            throw e;
        }
        Entry entry = new Entry(db, workers, new AtomicLong(monotonicMillis()), new CopyOnWriteArrayList<>(),
                new BacklogBudget(db, config.backlogBudget()));
        entries.add(entry);
        watcher.watch(db.walPath());
        for (ReplicaWorker w : workers) {
            schedule(entry, w);
        }
        return entry;
    }

    /**
     * Starts capturing a database a directory scan found, unless it is captured already (or being reopened) or
     * {@code isDatabase} rejects its file; null then. {@code isDatabase} runs under the lock reopening takes, so it
     * never looks at a file this process has open in SQLite (see {@link DirScanner#isSqlite}).
     */
    public synchronized Entry addIfAbsent(DbConfig config, Predicate<Path> isDatabase) throws IOException {
        Path path = config.path();
        if (reopening.contains(path) || entries.stream().anyMatch(e -> e.db().path().equals(path))
                || !isDatabase.test(path)) {
            return null;
        }
        return add(config);
    }

    /** Stops capturing and archiving the database at {@code path}; false if it was not captured. */
    public synchronized boolean remove(Path path) {
        boolean wasReopening = reopening.remove(path);
        for (Entry e : entries) {
            if (e.db().path().equals(path)) {
                // For good: the next daemon may claim its replicas at once (a reopen keeps them claimed).
                e.workers().forEach(w -> w.lease().release());
                retire(e);
                e.db().close();
                return true;
            }
        }
        return wasReopening;
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

    @Override
    public void bindTo(MeterRegistry registry) {
        meters.add(new ArchiveMeters(registry));
    }

    @Override
    public void refresh() {
        List<Entry> now = entries();
        meters.forEach(m -> m.refresh(now));
    }

    @Override
    public void render(StringBuilder out) {
        LitestreamMetrics.render(entries(), out);
    }

    private void schedule(Entry entry, ReplicaWorker w) {
        long sync = millis(w.config().syncInterval(), 1000);
        entry.tasks().add(scheduler.scheduleWithFixedDelay(() -> syncWorker(entry, w), 0, sync, TimeUnit.MILLISECONDS));
        Duration retention = w.config().retention();
        if (retention != null && !retention.isZero()) {
            Duration every = Duration.ofMillis(Math.min(millis(w.config().retentionCheckInterval(), 3_600_000),
                    retention.toMillis()));
            scheduleAt(entry, clock.instant().plus(every), w::nextRetentionAt, () -> retainTick(entry, w, retention, every));
        }
        Duration snapshotEvery = w.config().snapshotInterval();
        if (snapshotEvery != null && !snapshotEvery.isZero()) {
            Instant first = clock.instant().plus(snapshotEvery);
            log.info("{}: replica {}: next snapshot at {}", entry.db().path(), w.name(), first);
            scheduleAt(entry, first, w::nextSnapshotAt, () -> snapshotTick(entry, w, snapshotEvery));
        }
    }

    /**
     * Runs a timer once at {@code at}, recording the time so metrics and reloads can show it; each tick schedules
     * the next one, so nothing but the timer itself ever moves it.
     */
    private void scheduleAt(Entry entry, Instant at, Consumer<Instant> record, Runnable tick) {
        if (!running.get() || !entries.contains(entry)) {
            return;
        }
        record.accept(at);
        long delay = Math.max(0, at.toEpochMilli() - clock.millis());
        try {
            entry.tasks().removeIf(ScheduledFuture::isDone);
            entry.tasks().add(scheduler.schedule(tick, delay, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** Syncs a database as soon as its WAL changes size, and at least every monitor interval. */
    private void captureLoop() {
        long pollMillis = watcher.active() ? WATCHED_POLL_MILLIS : CAPTURE_POLL_MILLIS;
        long lastPoll = monotonicMillis() - pollMillis;
        while (running.get()) {
            WalWatcher.Changes changes;
            try {
                changes = watcher.await(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = monotonicMillis();
            boolean poll = now - lastPoll >= pollMillis;
            if (poll) {
                lastPoll = now;
            }
            for (Entry e : entries) {
                boolean due = now - e.lastFullSync().get() >= millis(e.db().config().monitorInterval(), 1000);
                // A reported write is synced even if the WAL looks unchanged: the event for a commit's last write
                // may be all that tells a rewrite of a restarted WAL apart from its previous life.
                if (due || changes.includes(e.db().walPath()) || (poll && e.db().walGrew())) {
                    capture(e, due, now);
                }
                if (poll) {
                    e.db().flushPositionFile();
                }
            }
        }
    }

    private void capture(Entry e, boolean due, long now) {
        if (due) {
            e.lastFullSync().set(now);
            checkBacklog(e);
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

    private static void checkBacklog(Entry e) {
        try {
            e.backlog().check(e.workers());
        } catch (IOException | RuntimeException ex) {
            log.warn("{}: cannot measure the local WAL backlog: {}", e.db().path(), ex.getMessage());
        }
    }

    /**
     * A database replaced under us is captured afresh: a new generation, never a mix of two files. A vanished
     * one's connections are closed (SQLite neither checkpoints nor deletes the WAL when closing a database whose
     * file has moved), so a daemon whose databases come and go does not keep them.
     */
    private synchronized void reopen(Entry old, DatabaseReplacedException why) {
        if (!entries.contains(old)) {
            return; // removed meanwhile
        }
        retire(old);
        if (Files.exists(old.db().path())) {
            old.db().abandon();
        } else {
            old.db().close();
        }
        log.warn("{}; starting a new generation", why.getMessage());
        reopenAgain(old.db().config());
    }

    private synchronized void reopenAgain(DbConfig config) {
        try {
            add(config);
            reopening.remove(config.path());
        } catch (IOException | RuntimeException ex) {
            if (reopening.add(config.path())) {
                log.error("{}: cannot reopen: {}; retrying every second", config.path(), ex.getMessage());
            }
            scheduler.schedule(() -> retryReopen(config), 1, TimeUnit.SECONDS);
        }
    }

    /** Unless the database was removed meanwhile. */
    private synchronized void retryReopen(DbConfig config) {
        if (running.get() && reopening.contains(config.path())) {
            reopenAgain(config);
        }
    }

    /** Forgets an entry: its timers and replica clients stop; its database is the caller's to close or abandon. */
    private void retire(Entry e) {
        for (ScheduledFuture<?> t : e.tasks()) {
            t.cancel(false);
        }
        entries.remove(e);
        watcher.unwatch(e.db().walPath());
        for (ReplicaWorker w : e.workers()) {
            w.client().close();
        }
    }

    /**
     * Uploads what is new, unless the replica is backing off after failures. Nothing is lost while it fails: the
     * shadow WALs stay on disk (within the backlog budget) and the worker resumes from the replica's own listing.
     */
    private void syncWorker(Entry entry, ReplicaWorker w) {
        if (!w.health().due()) {
            return;
        }
        try {
            w.sync();
            int ended = w.health().succeeded(clock.instant());
            if (ended > 0) {
                log.info("{}: replica {}: uploads resumed after {} failed attempts; replica is at {}", entry.db().path(),
                        w.name(), ended, w.position() == null ? "?" : w.position().toLitestreamString());
            }
            retainShadow(entry);
        } catch (IOException | RuntimeException ex) {
            Duration wait = w.health().failed(clock.instant(), ex.getMessage());
            long failingFor = w.health().failingFor().toSeconds();
            log.warn("{}: replica {}: upload failed (attempt {}, failing for {} s, next attempt in {} ms, {} bytes of WAL"
                    + " kept locally meanwhile): {}", entry.db().path(), w.name(), w.health().failures(), failingFor,
                    wait.toMillis(), entry.backlog().bytes(), ex.getMessage());
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

    private void retainTick(Entry entry, ReplicaWorker w, Duration retention, Duration every) {
        if (!running.get() || !entries.contains(entry)) {
            return;
        }
        try {
            w.enforceRetention(retention);
        } catch (IOException | RuntimeException ex) {
            log.warn("{}: replica {}: retention failed: {}", entry.db().path(), w.name(), ex.getMessage());
        }
        scheduleAt(entry, clock.instant().plus(every), w::nextRetentionAt, () -> retainTick(entry, w, retention, every));
    }

    /**
     * Snapshot timer aligned to the newest snapshot, as Litestream does, so restarts do not reset it. A failed
     * snapshot (S3 unreachable) is retried within the upload backoff's ceiling rather than a whole interval later.
     */
    private void snapshotTick(Entry entry, ReplicaWorker w, Duration every) {
        if (!running.get() || !entries.contains(entry)) {
            return;
        }
        Instant next;
        try {
            Instant last = w.lastSnapshotAt();
            Instant due = last == null ? clock.instant() : last.plus(every);
            if (!clock.instant().isBefore(due)) {
                w.snapshotNow();
                next = clock.instant().plus(every);
                log.info("{}: replica {}: next snapshot at {}", entry.db().path(), w.name(), next);
            } else {
                next = due;
            }
        } catch (IOException | RuntimeException ex) {
            Duration retry = every.compareTo(UploadHealth.MAX_BACKOFF) < 0 ? every : UploadHealth.MAX_BACKOFF;
            next = clock.instant().plus(retry);
            log.warn("{}: replica {}: snapshot failed, retrying at {}: {}", entry.db().path(), w.name(), next,
                    ex.getMessage());
        }
        scheduleAt(entry, next, w::nextSnapshotAt, () -> snapshotTick(entry, w, every));
    }

    /**
     * SIGHUP: applies what can change under running replicas, which keep their position, timers and followers.
     * Credentials are re-read (files, processes, IoT, even when unchanged) or switched to a new source, failing
     * replicas retry at once, and {@code backlog-budget} takes the new value. Anything else (databases or replicas
     * added, removed or moved elsewhere, intervals, addresses) needs a restart and is reported, not applied.
     */
    public synchronized void reload(List<DbConfig> next, Map<String, String> env) {
        for (Entry e : entries) {
            DbConfig nc = next.stream().filter(d -> d.path().equals(e.db().path())).findFirst().orElse(null);
            if (nc == null) {
                log.warn("reload: {} is no longer configured; removing a database needs a restart (still replicating it)",
                        e.db().path());
                continue;
            }
            e.backlog().budget(nc.backlogBudget());
            List<ReplicaConfig> rcs = nc.replicas();
            if (rcs.size() != e.workers().size()) {
                log.warn("reload: {}: adding or removing replicas needs a restart (keeping {})", e.db().path(),
                        e.workers().stream().map(ReplicaWorker::name).toList());
            }
            for (int i = 0; i < Math.min(rcs.size(), e.workers().size()); i++) {
                reloadWorker(e, e.workers().get(i), rcs.get(i), env);
            }
        }
        for (DbConfig d : next) {
            if (entries.stream().noneMatch(e -> e.db().path().equals(d.path()))) {
                log.warn("reload: {} is new in the config; adding a database needs a restart", d.path());
            }
        }
    }

    private static void reloadWorker(Entry e, ReplicaWorker w, ReplicaConfig rc, Map<String, String> env) {
        if (!w.config().withoutCredentials().equals(rc.withoutCredentials())) {
            log.warn("reload: {}: replica {}: only credential keys and backlog-budget change without a restart;"
                    + " its other changes are ignored until then", e.db().path(), w.name());
        }
        CredentialSettings before = w.client().credentialSettings();
        if (before != null) {
            try {
                CredentialSettings after = ReplicaClients.credentials(rc, env);
                w.client().reloadCredentials(after);
                log.info("reload: {}: replica {}: credentials re-read ({}{})", e.db().path(), w.name(),
                        after.sourceName(), after.equals(before) ? "" : ", was " + before.sourceName());
            } catch (RuntimeException ex) {
                log.error("reload: {}: replica {}: keeping the current credentials: {}", e.db().path(), w.name(),
                        ex.getMessage());
            }
        }
        w.health().retryNow();
        log.info("reload: {}: replica {}: kept position {}, next snapshot at {}, next retention check at {}",
                e.db().path(), w.name(), w.position() == null ? "(recomputed at next sync)" : w.position().toLitestreamString(),
                w.nextSnapshotAt() == null ? "none" : w.nextSnapshotAt(),
                w.nextRetentionAt() == null ? "none" : w.nextRetentionAt());
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
        watcher.close();
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Entry e : entries) {
            for (ReplicaWorker w : e.workers()) {
                w.lease().release();
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

    private static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    private static long millis(Duration d, long fallback) {
        return d == null || d.isZero() || d.isNegative() ? fallback : d.toMillis();
    }
}

package io.walship.primary.archive;

import io.walship.primary.config.DbConfig;
import io.walship.primary.config.DirConfig;
import io.walship.primary.config.DirScanner;
import io.walship.primary.replica.ReplicaClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link Replicator}'s databases in step with the config's {@code dir} entries: lists the directories
 * every {@code scan-interval} (the shortest of the entries) on one thread, starts capturing each new SQLite file
 * and stops capturing each one that vanished. A database with a {@code path} entry of its own is left to it.
 */
public final class DatabaseDiscovery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DatabaseDiscovery.class);

    private final Replicator replicator;
    private final ScheduledThreadPoolExecutor timer;
    private List<DirConfig> dirs;
    private Set<Path> explicit;
    private ScheduledFuture<?> task;
    /** The databases this discovery started, and the entry that found each. */
    private final Map<Path, DirConfig> started = new HashMap<>();
    /** Directories and files already warned about, so a lasting problem is logged once. */
    private final Set<Path> warned = new HashSet<>();

    private DatabaseDiscovery(Replicator replicator) {
        this.replicator = replicator;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "walship-scan");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Scans once (so the databases present are captured before this returns), then keeps scanning.
     *
     * @param explicit the paths of the databases configured by {@code path}
     * @throws NotDirectoryException if a directory does not exist
     */
    public static DatabaseDiscovery start(Replicator replicator, List<DirConfig> dirs, Set<Path> explicit)
            throws NotDirectoryException {
        for (DirConfig d : dirs) {
            if (!Files.isDirectory(d.dir())) {
                throw new NotDirectoryException(d.dir() + ": directory does not exist");
            }
        }
        DatabaseDiscovery discovery = new DatabaseDiscovery(replicator);
        discovery.update(dirs, explicit);
        return discovery;
    }

    /** SIGHUP: scans now with the new entries (new matches start, databases no longer covered stop), then keeps on. */
    public synchronized void update(List<DirConfig> newDirs, Set<Path> newExplicit) {
        this.dirs = List.copyOf(newDirs);
        this.explicit = Set.copyOf(newExplicit);
        if (task != null) {
            task.cancel(false);
        }
        scan();
        long every = dirs.stream().map(DirConfig::scanInterval).filter(d -> !d.isZero() && !d.isNegative())
                .min(Duration::compareTo).orElse(DirConfig.DEFAULT_SCAN_INTERVAL).toMillis();
        task = timer.scheduleWithFixedDelay(this::scheduledScan, every, every, TimeUnit.MILLISECONDS);
    }

    /** The paths of the databases this discovery captures now. */
    public synchronized Set<Path> started() {
        return Set.copyOf(started.keySet());
    }

    /** A task that throws is never run again: whatever goes wrong, the next scan still comes. */
    private void scheduledScan() {
        try {
            scan();
        } catch (RuntimeException e) {
            log.warn("scanning for databases failed: {}", e.toString());
        }
    }

    synchronized void scan() {
        Map<Path, DbConfig> found = new LinkedHashMap<>();
        Set<DirConfig> unlisted = new HashSet<>();
        for (DirConfig d : dirs) {
            try {
                for (DbConfig db : DirScanner.scan(d)) {
                    if (!explicit.contains(db.path())) {
                        found.putIfAbsent(db.path(), db);
                    }
                }
                warned.remove(d.dir());
            } catch (IOException | RuntimeException e) {
                unlisted.add(d);
                if (warned.add(d.dir())) {
                    log.warn("{}: cannot list the directory, keeping its databases until it can: {}", d.dir(), e.getMessage());
                }
            }
        }
        stopVanished(found, unlisted);
        for (DbConfig db : found.values()) {
            if (!started.containsKey(db.path())) {
                startFound(db);
            }
        }
    }

    private void stopVanished(Map<Path, DbConfig> found, Set<DirConfig> unlisted) {
        started.entrySet().removeIf(e -> {
            Path path = e.getKey();
            if (found.containsKey(path) || unlisted.contains(e.getValue()) && dirs.contains(e.getValue())) {
                return false;
            }
            if (!explicit.contains(path)) {
                replicator.remove(path);
                log.info("{}: {}, no longer replicated", path, Files.exists(path) ? "no longer configured" : "gone");
            }
            return true;
        });
    }

    private void startFound(DbConfig db) {
        try {
            if (replicator.addIfAbsent(db, DirScanner::isSqlite) != null) {
                started.put(db.path(), dirOf(db.path()));
                warned.remove(db.path());
                log.info("replicating {} (found in a dir entry) to {}", db.path(),
                        String.join(", ", db.replicas().stream().map(ReplicaClients::displayName).toList()));
            }
        } catch (IOException | RuntimeException e) {
            if (warned.add(db.path())) {
                log.warn("{}: cannot replicate yet, trying again at each scan: {}", db.path(), e.getMessage());
            }
        }
    }

    private DirConfig dirOf(Path path) {
        return dirs.stream().filter(d -> d.database(path).isPresent()).findFirst().orElseThrow();
    }

    /** Stops scanning; the databases found stay with the replicator. No interrupt: it would close their files. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

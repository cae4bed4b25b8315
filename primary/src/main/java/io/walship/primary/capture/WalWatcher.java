package io.walship.primary.capture;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the capture loop as soon as an application writes a watched WAL (inotify on Linux, through the JDK's
 * {@link WatchService}), so a commit is captured within a thread wake-up rather than a poll period, and idle
 * databases cost nothing between polls. Directories are watched, not files, so a WAL that is deleted and created
 * again stays watched. Where no native watcher exists (or events may be missed, e.g. on some network and
 * container file systems) the caller keeps polling, just less often.
 */
public final class WalWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalWatcher.class);

    private final WatchService service;
    private final Map<Path, WatchKey> keys = new HashMap<>();
    private final Map<Path, Integer> watchersPerDir = new HashMap<>();
    private final Set<Path> watched = new HashSet<>();

    /** What changed since the last {@link #await}: a set of WAL paths, or everything if events were lost. */
    public record Changes(Set<Path> wals, boolean all) {
        public boolean includes(Path wal) {
            return all || wals.contains(wal);
        }
    }

    public WalWatcher() {
        this.service = openService();
    }

    private static WatchService openService() {
        // Elsewhere than Linux the JDK's watcher is itself a poller with a multi-second period: no help.
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return null;
        }
        try {
            return FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("no file watcher, polling only: {}", e.getMessage());
            return null;
        }
    }

    /** Whether changes are reported as they happen; if not, {@link #await} only sleeps. */
    public boolean active() {
        return service != null;
    }

    /** Starts reporting writes to {@code wal}; returns false if it cannot be watched (the caller polls it). */
    public synchronized boolean watch(Path wal) {
        if (service == null || !watched.add(wal)) {
            return service != null;
        }
        Path dir = wal.getParent();
        try {
            if (!keys.containsKey(dir)) {
                keys.put(dir, dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY));
            }
            watchersPerDir.merge(dir, 1, Integer::sum);
            return true;
        } catch (IOException | ClosedWatchServiceException e) {
            watched.remove(wal);
            log.debug("{}: cannot watch, polling it: {}", dir, e.getMessage());
            return false;
        }
    }

    public synchronized void unwatch(Path wal) {
        if (!watched.remove(wal)) {
            return;
        }
        Path dir = wal.getParent();
        if (watchersPerDir.merge(dir, -1, Integer::sum) <= 0) {
            watchersPerDir.remove(dir);
            WatchKey key = keys.remove(dir);
            if (key != null) {
                key.cancel();
            }
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for a write to a watched WAL and returns every WAL written since the
     * previous call (empty after a timeout). Without a watcher it sleeps the whole timeout.
     */
    public Changes await(long timeoutMillis) throws InterruptedException {
        if (service == null) {
            Thread.sleep(timeoutMillis);
            return new Changes(Set.of(), false);
        }
        Set<Path> wals = new HashSet<>();
        boolean all = false;
        try {
            WatchKey key = service.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            while (key != null) {
                all |= drain(key, wals);
                key = service.poll();
            }
        } catch (ClosedWatchServiceException e) {
            Thread.sleep(timeoutMillis);
        }
        return new Changes(wals, all);
    }

    private boolean drain(WatchKey key, Set<Path> wals) {
        boolean overflow = false;
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                overflow = true;
            } else {
                wals.add(dir.resolve((Path) event.context()));
            }
        }
        key.reset();
        return overflow;
    }

    @Override
    public void close() {
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                log.debug("closing the file watcher: {}", e.getMessage());
            }
        }
    }
}

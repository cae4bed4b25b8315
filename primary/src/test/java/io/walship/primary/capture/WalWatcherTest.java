package io.walship.primary.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalWatcherTest {
    @TempDir
    Path dir;

    @Test
    void reportsWritesToWatchedWalsOnly() throws Exception {
        try (WalWatcher watcher = new WalWatcher()) {
            requireNativeWatcher(watcher);
            Path wal = dir.resolve("app.db-wal");
            Path other = dir.resolve("app.db");
            Files.write(wal, new byte[32]);
            assertThat(watcher.watch(wal)).isTrue();

            Files.write(other, new byte[16]);
            assertThat(changesWithin(watcher, 300).includes(wal)).isFalse();

            Files.write(wal, new byte[24], StandardOpenOption.APPEND);
            assertThat(awaitIncluded(watcher, wal)).isTrue();

            watcher.unwatch(wal);
            Files.write(wal, new byte[24], StandardOpenOption.APPEND);
            assertThat(changesWithin(watcher, 300).includes(wal)).isFalse();
        }
    }

    @Test
    void aWalCreatedAfterWatchingIsReported() throws Exception {
        try (WalWatcher watcher = new WalWatcher()) {
            requireNativeWatcher(watcher);
            Path wal = dir.resolve("new.db-wal");
            assertThat(watcher.watch(wal)).isTrue();
            Files.write(wal, new byte[32]);
            assertThat(awaitIncluded(watcher, wal)).isTrue();
        }
    }

    @Test
    void withoutAWatchedWalAwaitTimesOutEmpty() throws Exception {
        try (WalWatcher watcher = new WalWatcher()) {
            WalWatcher.Changes changes = watcher.await(20);
            assertThat(changes.all()).isFalse();
            assertThat(changes.wals()).isEmpty();
        }
    }

    /** Linux always has inotify, so there a missing watcher is a failure; elsewhere the tests do not apply. */
    private static void requireNativeWatcher(WalWatcher watcher) {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "file watching is Linux-only");
        assertThat(watcher.active()).isTrue();
    }

    private static boolean awaitIncluded(WalWatcher watcher, Path wal) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (watcher.await(100).includes(wal)) {
                return true;
            }
        }
        return false;
    }

    private static WalWatcher.Changes changesWithin(WalWatcher watcher, long millis) throws InterruptedException {
        Set<Path> seen = new HashSet<>();
        boolean all = false;
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            WalWatcher.Changes c = watcher.await(50);
            seen.addAll(c.wals());
            all |= c.all();
        }
        return new WalWatcher.Changes(seen, all);
    }
}

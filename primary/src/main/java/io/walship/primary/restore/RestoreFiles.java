package io.walship.primary.restore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The temporary files of one restore next to {@code <out>}: the database {@code <out>.tmp}, its SQLite
 * companions, and one {@code <out>.tmp-<index>-wal} per WAL index. Once {@link #discard()} ran no task can
 * create another, so a failed restore leaves nothing behind even while downloads are still being cancelled.
 */
final class RestoreFiles {
    private final Path out;
    private final Path db;
    private final Set<Path> created = new LinkedHashSet<>();
    private boolean discarded;

    RestoreFiles(Path out) {
        this.out = out;
        this.db = sibling(".tmp");
    }

    Path out() {
        return out;
    }

    /** The database being built; SQLite opens it only after the snapshot is complete. */
    Path db() {
        return db;
    }

    /** Where SQLite looks for the WAL of {@link #db()}. */
    Path dbWal() {
        return sibling(".tmp-wal");
    }

    Path indexWal(long index) {
        return sibling(String.format(Locale.ROOT, ".tmp-%08x-wal", index));
    }

    private Path sibling(String suffix) {
        return out.resolveSibling(out.getFileName() + suffix);
    }

    /** Companions SQLite may create or leave next to {@link #db()}. */
    private Set<Path> sqliteCompanions() {
        return Set.of(dbWal(), sibling(".tmp-shm"), sibling(".tmp-journal"));
    }

    /**
     * Removes files a crashed earlier restore to the same output left: a stale {@code -wal} or {@code -shm}
     * next to the new database would be applied to it.
     */
    void removeStale() throws IOException {
        Files.deleteIfExists(db);
        for (Path p : sqliteCompanions()) {
            Files.deleteIfExists(p);
        }
    }

    /** Creates (or truncates) a temporary file for writing and remembers it for cleanup. */
    synchronized FileChannel create(Path p) throws IOException {
        if (discarded) {
            throw new RestoreException("restore cancelled");
        }
        created.add(p);
        return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** Makes an index's WAL the database's WAL (replacing the previous, already checkpointed one). */
    void installWal(long index) throws IOException {
        move(indexWal(index), dbWal());
    }

    /**
     * Removes what SQLite left after the last connection closed. A WAL with content left at this point would mean
     * frames were not checkpointed, so it is an error rather than something to delete.
     */
    void removeSqliteCompanions() throws IOException {
        Path wal = dbWal();
        if (Files.exists(wal) && Files.size(wal) > 0) {
            throw new RestoreException("restore: " + wal + " still holds " + Files.size(wal) + " bytes after the checkpoint");
        }
        for (Path p : sqliteCompanions()) {
            Files.deleteIfExists(p);
        }
    }

    /**
     * Moves the finished database to {@code <out>} without ever replacing a file that appeared there meanwhile:
     * a hard link fails if the name exists, and is atomic; filesystems without links fall back to a rename.
     * The one sync of the database happens here (snapshot, checkpoints and the check before it write without
     * syncing), so the kernel could write it back meanwhile; until here a crash leaves only temporary files.
     */
    void publish() throws IOException {
        try (FileChannel ch = FileChannel.open(db, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        boolean linked;
        try {
            Files.createLink(out, db);
            linked = true;
        } catch (FileAlreadyExistsException e) {
            throw new RestoreException("cannot restore, output path already exists: " + out);
        } catch (UnsupportedOperationException | IOException e) {
            linked = false;
        }
        if (linked) {
            Files.delete(db);
        } else if (Files.exists(out)) {
            throw new RestoreException("cannot restore, output path already exists: " + out);
        } else {
            move(db, out);
        }
        fsyncDirectory(out.toAbsolutePath().getParent());
    }

    /** Deletes every temporary file of this restore and prevents new ones. */
    synchronized void discard() {
        discarded = true;
        Set<Path> all = new LinkedHashSet<>(created);
        all.add(db);
        all.addAll(sqliteCompanions());
        for (Path p : all) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // Best effort: the original failure is what the user needs to see.
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some filesystems refuse fsync on directories; the link/rename itself is atomic.
        }
    }
}

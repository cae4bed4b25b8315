package io.walship.primary.capture;

/**
 * How hard a checkpoint tries. walship always backfills with SQLite's PASSIVE checkpoint while it holds the
 * write lock; the modes differ in how long it waits for readers and whether the WAL file is shrunk:
 * RESTART and TRUNCATE wait (up to the busy timeout) for readers to let the checkpoint complete, and
 * TRUNCATE also shrinks the WAL file when SQLite restarts it.
 */
public enum CheckpointMode {
    PASSIVE, RESTART, TRUNCATE
}

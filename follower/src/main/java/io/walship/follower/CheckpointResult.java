package io.walship.follower;

/**
 * The row of {@code PRAGMA wal_checkpoint(TRUNCATE)}.
 *
 * @param busy         true when a reader pinned the WAL; the follower then keeps appending (spec §9.1)
 * @param logFrames    frames in the WAL (-1 after a reset)
 * @param checkpointed frames copied into the database file
 */
public record CheckpointResult(boolean busy, int logFrames, int checkpointed) {
}

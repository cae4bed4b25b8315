package io.walship.follower;

/**
 * Points of the apply procedure (spec §6) and of the follower's file replacements, reported to a
 * {@link StepListener}. They exist so crash tests can stop the process at every step.
 */
public enum ApplyStep {
    /** {@link FollowerApplier#open} returned: a crashed apply was resumed, the journal checked and rewritten. */
    OPENED,
    /** The journal records the pending range (A2), nothing written to the WAL yet. */
    PENDING_PERSISTED,
    /** A fresh local WAL header was written and synced (A5b). */
    HEADER_WRITTEN,
    /** About half of the batch's frames are written (A6). */
    FRAMES_HALF_WRITTEN,
    /** All frames written and the WAL synced (A7). */
    WAL_SYNCED,
    /** Byte 60 of the -shm is zero, byte 12 not yet (A8). */
    SHM_HALF_INVALIDATED,
    /** The write transaction ended (A9). */
    COMMITTED,
    /** The follower connection ran recovery (A10). */
    RECOVERED,
    /** The batch was verified in the wal-index (A11). */
    VERIFIED,
    /** The journal records the new applied position (A12). */
    APPLIED_PERSISTED,
    /** The position file names the new position (A13). */
    POSITION_WRITTEN,
    /** A temp file of an atomic replacement (journal or position) is written and synced, not yet renamed. */
    TEMP_FILE_WRITTEN,
    /** A bootstrap image is in its temp file, not yet renamed over the database. */
    BOOTSTRAP_IMAGE_WRITTEN,
    /** A checkpoint is about to run. */
    CHECKPOINT_STARTING,
    /** A checkpoint returned. */
    CHECKPOINT_DONE
}

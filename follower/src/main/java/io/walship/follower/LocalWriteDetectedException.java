package io.walship.follower;

/**
 * Some local process wrote to (or checkpointed) the follower database, which is read-only for applications.
 * Nothing was applied; the local state is no longer the primary's, so only a snapshot can repair it
 * ({@link FollowerApplier#needsSnapshot()} is true from now on).
 */
public class LocalWriteDetectedException extends FollowerException {
    public LocalWriteDetectedException(String message) {
        super(message);
    }
}

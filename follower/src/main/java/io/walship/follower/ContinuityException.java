package io.walship.follower;

/**
 * A range or snapshot that does not continue the follower's applied position (gap, overlap, other generation,
 * or no data yet). Nothing was applied; the client should re-request from {@link FollowerApplier#position()} or
 * fetch a snapshot.
 */
public class ContinuityException extends FollowerException {
    public ContinuityException(String message) {
        super(message);
    }
}

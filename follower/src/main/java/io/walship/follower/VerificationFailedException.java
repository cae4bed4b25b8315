package io.walship.follower;

/**
 * After an apply the wal-index did not show the batch (spec §8): the follower stops applying, keeps the pending
 * range and leaves the position file alone. Retrying the same bytes would fail the same way.
 */
public class VerificationFailedException extends FollowerException {
    public VerificationFailedException(String message) {
        super(message);
    }
}

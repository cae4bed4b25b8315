package io.walship.follower;

/** Another follower process already serves this database (spec §3.1: a single follower per database). */
public class FollowerLockedException extends FollowerException {
    public FollowerLockedException(String message) {
        super(message);
    }
}

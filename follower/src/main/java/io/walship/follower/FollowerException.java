package io.walship.follower;

import java.io.IOException;

/** Base of the follower's apply errors: each one says what was refused or what went wrong, in one line. */
public class FollowerException extends IOException {
    public FollowerException(String message) {
        super(message);
    }

    public FollowerException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.walship.primary.restore;

import java.io.IOException;

/**
 * A restore that cannot proceed: nothing to restore, an inconsistent replica, corrupt objects, or an output
 * path in the way. The message is one line naming the generation, index, offset or object concerned.
 */
public class RestoreException extends IOException {
    public RestoreException(String message) {
        super(message);
    }

    public RestoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

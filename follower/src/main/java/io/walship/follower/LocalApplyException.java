package io.walship.follower;

/**
 * Writing the follower's own files failed (a full disk, an I/O error, SQLite refusing to write): not the stream's
 * fault, so the follower retries with a growing back-off instead of reconnecting at once, and re-applies an
 * interrupted range from its spool before it asks the primary for more. Nothing visible to readers was lost.
 */
public final class LocalApplyException extends FollowerException {
    public LocalApplyException(String message, Throwable cause) {
        super(message, cause);
    }
}

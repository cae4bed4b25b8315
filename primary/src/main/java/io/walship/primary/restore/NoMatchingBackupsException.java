package io.walship.primary.restore;

/**
 * No generation of any replica matches the criteria. Separate from other failures because
 * {@code -if-replica-exists} turns exactly this case into success.
 */
public final class NoMatchingBackupsException extends RestoreException {
    public NoMatchingBackupsException(String message) {
        super(message);
    }
}

package io.walship.primary.credentials;

/** No usable credentials right now; the message says from where and when the next attempt is due. */
public final class CredentialsUnavailableException extends RuntimeException {
    public CredentialsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

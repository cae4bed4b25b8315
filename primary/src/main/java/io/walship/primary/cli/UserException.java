package io.walship.primary.cli;

/**
 * A failure to report to the user as one line, without a stack trace: what went wrong and where.
 * {@link #usage()} errors (bad flag value, bad URL, missing argument) exit with status 2, others with 1.
 */
public class UserException extends RuntimeException {
    private final boolean usage;

    public UserException(String message) {
        this(message, false, null);
    }

    public UserException(String message, Throwable cause) {
        this(message, false, cause);
    }

    private UserException(String message, boolean usage, Throwable cause) {
        super(message, cause);
        this.usage = usage;
    }

    public static UserException usage(String message) {
        return new UserException(message, true, null);
    }

    public boolean usage() {
        return usage;
    }
}

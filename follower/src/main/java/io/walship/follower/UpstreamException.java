package io.walship.follower;

import java.io.IOException;

/**
 * The primary refused the stream request. {@link #fatal()} refusals (wrong token, unknown database) will not
 * change by retrying quickly; the others (overload, restart) are retried with back-off.
 */
public final class UpstreamException extends IOException {
    private final int status;

    public UpstreamException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean fatal() {
        return status == 400 || status == 401 || status == 403 || status == 404;
    }
}

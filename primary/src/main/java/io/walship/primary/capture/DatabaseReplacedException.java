package io.walship.primary.capture;

import java.io.IOException;

/** The database file at the configured path is no longer the file walship opened (replaced or deleted). */
public class DatabaseReplacedException extends IOException {
    public DatabaseReplacedException(String message) {
        super(message);
    }
}

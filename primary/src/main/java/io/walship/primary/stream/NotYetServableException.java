package io.walship.primary.stream;

import java.io.IOException;

/** A stream cannot start now but may later (a relay behind the follower's position): answered 503, retried. */
final class NotYetServableException extends IOException {
    NotYetServableException(String message) {
        super(message);
    }
}

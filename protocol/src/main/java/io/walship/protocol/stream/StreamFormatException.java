package io.walship.protocol.stream;

import java.io.IOException;

/** Stream bytes that are not a valid record: bad length, unparsable message, checksum or invariant broken. */
public class StreamFormatException extends IOException {
    public StreamFormatException(String message) {
        super(message);
    }

    public StreamFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

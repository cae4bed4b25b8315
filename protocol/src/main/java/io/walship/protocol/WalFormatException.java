package io.walship.protocol;

/** Bytes that are not a valid SQLite WAL, WAL frame or database header where one was expected. */
public class WalFormatException extends Exception {
    public WalFormatException(String message) {
        super(message);
    }
}

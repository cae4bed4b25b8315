package io.walship.follower;

/**
 * Incoming bytes that fail validation (torn or corrupted frames, foreign salts, broken checksum chain, wrong page
 * size, not in WAL mode). Nothing was applied and the database and position are unchanged.
 */
public class InvalidBatchException extends FollowerException {
    public InvalidBatchException(String message) {
        super(message);
    }
}

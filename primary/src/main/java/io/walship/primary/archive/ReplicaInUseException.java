package io.walship.primary.archive;

import java.io.IOException;

/** Another walship daemon owns the replica (or took it over): this one must not write to it. */
public final class ReplicaInUseException extends IOException {
    public ReplicaInUseException(String message) {
        super(message);
    }
}

package io.walship.primary.replica;

import java.io.IOException;

/** A replica object that should exist does not (deleted by retention, or never written). */
public class ReplicaObjectNotFoundException extends IOException {
    public ReplicaObjectNotFoundException(String message) {
        super(message);
    }
}

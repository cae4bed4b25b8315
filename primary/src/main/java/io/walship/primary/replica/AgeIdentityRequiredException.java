package io.walship.primary.replica;

import java.io.IOException;

/**
 * An object is age-encrypted and the replica has recipients but no identity to decrypt it: it may go on writing
 * encrypted objects, not read them.
 */
public final class AgeIdentityRequiredException extends IOException {
    public AgeIdentityRequiredException(String message) {
        super(message);
    }
}

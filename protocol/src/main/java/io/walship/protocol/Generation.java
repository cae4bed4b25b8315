package io.walship.protocol;

import java.security.SecureRandom;
import java.util.Locale;

/** Generation ids: 8 random bytes as 16 lowercase hex characters, zero-padded like Litestream's. */
public final class Generation {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Generation() {
    }

    public static String random() {
        return String.format(Locale.ROOT, "%016x", RANDOM.nextLong());
    }
}

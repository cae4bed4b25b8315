package io.walship.primary.config;

import java.util.List;

/**
 * A replica's {@code age:} block as Litestream v0.3.13 reads it: each entry holds one or more keys, one per line
 * ({@code #} comments and blank lines allowed, so a whole {@code age-keygen} file fits). Recipients
 * ({@code age1...}) encrypt what is uploaded; identities ({@code AGE-SECRET-KEY-1...}) decrypt what is read.
 */
public record AgeConfig(List<String> identities, List<String> recipients) {

    public AgeConfig {
        identities = List.copyOf(identities);
        recipients = List.copyOf(recipients);
    }

    /** Identities are secrets: they never appear in printed settings or logs. */
    @Override
    public String toString() {
        return "AgeConfig[identities=" + identities.size() + " hidden, recipients=" + recipients + "]";
    }
}

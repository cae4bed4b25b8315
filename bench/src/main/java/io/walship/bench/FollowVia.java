package io.walship.bench;

import java.util.Locale;

/** Where the measured followers of {@code bench follow} get the primary's WAL from. */
public enum FollowVia {
    STREAM("the primary's stream"),
    ARCHIVE("the archive only: a directory replica at sync-interval 1s, polled every 1s"),
    RELAYS("a chain of two relays: primary → relay → relay → followers");

    private final String description;

    FollowVia(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** {@code stream}, {@code archive}, {@code relays}: the option's values. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FollowVia parse(String label) {
        for (FollowVia v : values()) {
            if (v.label().equals(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("expected stream, archive or relays");
    }
}

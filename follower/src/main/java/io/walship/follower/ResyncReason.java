package io.walship.follower;

/** Why the follower can only continue from a snapshot. */
enum ResyncReason {
    /** A local process wrote to or checkpointed the database. */
    LOCAL_WRITE,
    /** A database exists without a journal (or the journal names a database that is gone): content unknown. */
    UNKNOWN_STATE,
    /** The spool of a crashed apply is missing or damaged, so the pending range cannot be reproduced exactly. */
    PENDING_LOST
}

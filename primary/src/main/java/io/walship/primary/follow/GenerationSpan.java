package io.walship.primary.follow;

import java.time.Instant;

/**
 * What the archive holds of one generation, as Litestream's restore judges it: when its first and last objects
 * were written.
 *
 * @param hasSnapshot a follower can start from it
 */
record GenerationSpan(String generation, Instant createdAt, Instant updatedAt, boolean hasSnapshot) {
}

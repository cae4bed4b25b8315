package io.walship.primary.replica;

import java.time.Instant;

/**
 * A snapshot object as listed.
 *
 * @param size      stored (compressed) size in bytes
 * @param createdAt file mtime or object LastModified: Litestream chooses generations and point-in-time
 *                  restores by this, not by name
 */
public record SnapshotInfo(String generation, long index, long size, Instant createdAt) {
}

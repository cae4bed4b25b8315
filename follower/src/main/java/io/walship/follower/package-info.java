/**
 * The read-only follower's apply engine (follower-apply.md): {@link io.walship.follower.FollowerApplier} appends
 * the primary's transactions to the live {@code -wal} with the follower's own salts and checksum chain under
 * {@code BEGIN IMMEDIATE}, invalidates the {@code -shm} header (bytes 60 and 12 only), lets SQLite recover, verifies,
 * and only then records the position in its private journal and in the public
 * {@link io.walship.follower.PositionFile}. Every batch is spooled before it is recorded as pending, so a crash at
 * any instant is resumed by re-applying exactly that range.
 */
package io.walship.follower;

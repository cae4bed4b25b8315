/**
 * The read-only follower: stream client, crash-safe apply into a live WAL, and the public position file.
 * Built under the streaming issue; this module exists now so the module graph is fixed from the start.
 */
package io.walship.follower;

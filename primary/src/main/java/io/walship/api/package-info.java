/**
 * walship embedded in an application: {@link io.walship.api.Primary} (capture, archive, serve followers) and
 * {@link io.walship.api.Follower} (a live read-only copy, with {@code awaitPosition} for read-your-writes).
 * Positions are {@link io.walship.protocol.Pos}. This package is the stable API; everything else may change.
 */
package io.walship.api;

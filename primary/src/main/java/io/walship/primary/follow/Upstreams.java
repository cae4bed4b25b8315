package io.walship.primary.follow;

import io.walship.follower.FollowerOptions;
import io.walship.follower.StreamUpstream;
import io.walship.follower.Upstream;
import io.walship.follower.UpstreamUrl;
import io.walship.primary.config.UpstreamConfig;
import io.walship.primary.replica.ReplicaClients;
import java.io.IOException;
import java.nio.file.Path;

/** Builds a follower's upstreams from their configuration. */
public final class Upstreams {
    private Upstreams() {
    }

    /** The stream or archive {@code u} names, for the follower of {@code dbPath}; fails on unusable TLS files. */
    public static Upstream open(UpstreamConfig u, Path dbPath) throws IOException {
        if (u.archive() != null) {
            return new ArchiveUpstream(ReplicaClients.open(u.archive()), u.pollInterval());
        }
        return StreamUpstream.of(FollowerOptions.of(UpstreamUrl.parse(u.url()), dbPath).withToken(u.token())
                .withTls(u.tls()));
    }
}

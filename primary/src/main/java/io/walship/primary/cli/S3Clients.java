package io.walship.primary.cli;

import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.S3Settings;
import java.util.function.Function;

/** The S3 client constructor the CLI opens replicas with. */
final class S3Clients {
    // Becomes S3ReplicaClient::new when the S3 client is merged; until then S3 replicas fail with one clear line.
    static final Function<S3Settings, ReplicaClient> FACTORY = settings -> {
        throw new UserException(settings + ": S3 replicas are not available in this build");
    };

    private S3Clients() {
    }
}

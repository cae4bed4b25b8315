package io.walship.primary.restore;

import io.walship.primary.replica.ReplicaClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The listings of one replica, gathered up front so that target selection ({@link RestorePlanner}) is pure.
 *
 * @param name        the replica's name (config {@code name}, default its type)
 * @param generations generations in listing order (sorted by id)
 */
public record ReplicaListing(String name, List<GenerationListing> generations) {

    public ReplicaListing {
        generations = List.copyOf(generations);
    }

    /** Lists every generation of {@code client}, or only {@code generation} when it is not null. */
    public static ReplicaListing load(String name, ReplicaClient client, String generation) throws IOException {
        List<GenerationListing> out = new ArrayList<>();
        for (String g : client.generations()) {
            if (generation == null || generation.equals(g)) {
                out.add(new GenerationListing(g, client.snapshots(g), client.walSegments(g)));
            }
        }
        return new ReplicaListing(name, out);
    }
}

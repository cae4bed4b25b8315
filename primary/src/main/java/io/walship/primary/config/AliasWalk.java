package io.walship.primary.config;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One walk over YAML nodes, where aliases share nodes and may even point back into a node that contains them. A cycle
 * would recurse until the stack overflows, and a few dozen aliases that each repeat the previous one twice expand to
 * billions of values; both end the walk with a {@link ConfigException} at the key being read.
 */
final class AliasWalk {
    static final int MAX_NODES = 100_000;

    private final String where;
    private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private int visited;

    /** @param where the key path for messages, or null at the top level */
    AliasWalk(String where) {
        this.where = where;
    }

    /** Starts expanding {@code n}; {@link #leave} it when done. */
    void enter(Node n) {
        if (++visited > MAX_NODES) {
            throw new ConfigException(where, "more than " + MAX_NODES + " values after expanding YAML aliases");
        }
        if (!open.add(n)) {
            throw new ConfigException(where, "a YAML alias refers back to a mapping or list that contains it");
        }
    }

    void leave(Node n) {
        open.remove(n);
    }
}

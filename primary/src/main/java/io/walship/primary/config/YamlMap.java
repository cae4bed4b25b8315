package io.walship.primary.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping read the way Go's {@code yaml.v2} fills Litestream's structs: scalars keep their source
 * text (so {@code 0123} stays a string, not an octal number), unknown keys are simply never asked for,
 * {@code null}/{@code ~}/empty mean "unset", YAML 1.1 booleans ({@code yes}/{@code on}/...) are accepted,
 * and {@code <<} merge keys apply. Errors name the key by its full path ({@code dbs[0].replicas[1].url}).
 */
final class YamlMap {
    private static final Set<String> TRUE = Set.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
    private static final Set<String> FALSE = Set.of("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");

    private final Map<String, Node> entries;
    private final String path;

    private YamlMap(Map<String, Node> entries, String path) {
        this.entries = entries;
        this.path = path;
    }

    /** The mapping at {@code node}; an absent or null node is an empty mapping. */
    static YamlMap of(Node node, String path) {
        if (isNull(node)) {
            return new YamlMap(Map.of(), path);
        }
        if (!(node instanceof MappingNode m)) {
            throw new ConfigException(path.isEmpty() ? null : path, "expected a mapping of keys to values");
        }
        return new YamlMap(flatten(m, new AliasWalk(path.isEmpty() ? null : path)), path);
    }

    String string(String key) {
        Node n = entries.get(key);
        if (isNull(n)) {
            return null;
        }
        if (!(n instanceof ScalarNode s)) {
            throw error(key, "expected a single value");
        }
        return s.getValue();
    }

    Duration duration(String key) {
        String v = string(key);
        if (v == null) {
            return null;
        }
        try {
            return GoDuration.parse(v);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    Long size(String key) {
        String v = string(key);
        if (v == null) {
            return null;
        }
        try {
            return ByteSize.parse(v);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    /** True when {@code key} is present with a non-null value. */
    boolean has(String key) {
        return !isNull(entries.get(key));
    }

    Integer integer(String key) {
        String v = string(key);
        if (v == null) {
            return null;
        }
        try {
            return parseInteger(v);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    Boolean bool(String key) {
        String v = string(key);
        if (v == null) {
            return null;
        }
        try {
            return parseBoolean(v);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    /** A YAML 1.1 integer: underscores, 0x hex, leading-zero octal. */
    static int parseInteger(String v) {
        try {
            return Integer.decode(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid integer \"" + v + "\"", e);
        }
    }

    /** A YAML 1.1 boolean ({@code yes}/{@code on}/{@code true}/...). */
    static boolean parseBoolean(String v) {
        if (TRUE.contains(v)) {
            return true;
        }
        if (FALSE.contains(v)) {
            return false;
        }
        throw new IllegalArgumentException("invalid boolean \"" + v + "\"");
    }

    /** The nested mapping under {@code key} (empty when unset). */
    YamlMap map(String key) {
        return of(entries.get(key), child(key));
    }

    /** The mappings listed under {@code key} (empty when unset). */
    List<YamlMap> list(String key) {
        Node n = entries.get(key);
        if (isNull(n)) {
            return List.of();
        }
        if (!(n instanceof SequenceNode seq)) {
            throw error(key, "expected a list");
        }
        List<YamlMap> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(of(seq.getValue().get(i), child(key) + "[" + i + "]"));
        }
        return out;
    }

    /** The scalars listed under {@code key} (empty when unset); a null entry reads as empty text, as in yaml.v2. */
    List<String> strings(String key) {
        Node n = entries.get(key);
        if (isNull(n)) {
            return List.of();
        }
        if (!(n instanceof SequenceNode seq)) {
            throw error(key, "expected a list");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node v = seq.getValue().get(i);
            if (isNull(v)) {
                out.add("");
            } else if (v instanceof ScalarNode s) {
                out.add(s.getValue());
            } else {
                throw new ConfigException(child(key) + "[" + i + "]", "expected a single value");
            }
        }
        return out;
    }

    /**
     * The block under {@code key} as plain Java values (maps, lists, scalar source text), or null when unset:
     * for walship's own blocks, whose keys are read by the features that use them.
     */
    Map<String, Object> raw(String key) {
        Node n = entries.get(key);
        if (isNull(n)) {
            return null;
        }
        if (!(n instanceof MappingNode)) {
            throw error(key, "expected a mapping of keys to values");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) plain(n, new AliasWalk(child(key)));
        return m;
    }

    /** This mapping as plain Java values, like {@link #raw}. */
    Map<String, Object> plain() {
        Map<String, Object> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> out.put(k, plain(v, new AliasWalk(child(k)))));
        return out;
    }

    /** Where this mapping is in the file, for errors ({@code dbs[0].upstreams[1]}). */
    String path() {
        return path;
    }

    ConfigException error(String key, String problem) {
        return new ConfigException(child(key), problem);
    }

    private String child(String key) {
        if (key == null) {
            return path.isEmpty() ? null : path;
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    private static Object plain(Node n, AliasWalk walk) {
        if (isNull(n)) {
            return null;
        }
        if (n instanceof ScalarNode s) {
            return s.getValue();
        }
        walk.enter(n);
        try {
            if (n instanceof SequenceNode seq) {
                List<Object> out = new ArrayList<>();
                seq.getValue().forEach(v -> out.add(plain(v, walk)));
                return out;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            merge((MappingNode) n, walk).forEach((k, v) -> out.put(k, plain(v, walk)));
            return out;
        } finally {
            walk.leave(n);
        }
    }

    /** Scalar keys to value nodes; explicit keys win over {@code <<} merges, earlier merges over later ones. */
    private static Map<String, Node> flatten(MappingNode m, AliasWalk walk) {
        walk.enter(m);
        try {
            return merge(m, walk);
        } finally {
            walk.leave(m);
        }
    }

    private static Map<String, Node> merge(MappingNode m, AliasWalk walk) {
        Map<String, Node> explicit = new LinkedHashMap<>();
        List<Map<String, Node>> merged = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            if (k.getTag().equals(Tag.MERGE)) {
                Node v = t.getValueNode();
                if (v instanceof MappingNode mm) {
                    merged.add(flatten(mm, walk));
                } else if (v instanceof SequenceNode seq) {
                    seq.getValue().stream().filter(MappingNode.class::isInstance)
                            .forEach(x -> merged.add(flatten((MappingNode) x, walk)));
                }
            } else if (k instanceof ScalarNode s) {
                explicit.put(s.getValue(), t.getValueNode());
            }
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (int i = merged.size() - 1; i >= 0; i--) {
            out.putAll(merged.get(i));
        }
        out.putAll(explicit);
        return out;
    }

    private static boolean isNull(Node n) {
        return n == null || n.getTag().equals(Tag.NULL);
    }
}

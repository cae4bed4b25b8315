package io.walship.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docker/compose.yaml} as data, anchors and merge keys resolved, for the tests that check it and the ones
 * that run its topology without Docker.
 */
final class ComposeFile {
    private final Map<String, Object> root;

    private ComposeFile(Map<String, Object> root) {
        this.root = root;
    }

    static Path path() {
        return RepoRoot.get().resolve("docker/compose.yaml");
    }

    static ComposeFile load() {
        try {
            Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(path()));
            return new ComposeFile(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, Object> services() {
        return map(root.get("services"), "services");
    }

    Map<String, Object> service(String name) {
        return map(services().get(name), "service " + name);
    }

    String image(String service) {
        return (String) service(service).get("image");
    }

    /** The service's {@code entrypoint} (exec form), or empty when it keeps the image's. */
    List<String> entrypoint(String service) {
        return strings(service(service).get("entrypoint"));
    }

    /** The service's {@code command} (exec form). */
    List<String> command(String service) {
        return strings(service(service).get("command"));
    }

    Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object e = service(service).get("environment");
        if (e != null) {
            map(e, "environment of " + service).forEach((k, v) -> env.put(k, String.valueOf(v)));
        }
        return env;
    }

    List<String> volumes(String service) {
        return strings(service(service).get("volumes"));
    }

    List<String> ports(String service) {
        return strings(service(service).get("ports"));
    }

    /** The healthcheck's {@code test}, e.g. {@code [CMD, test, -s, FILE]}; empty when it keeps the image's. */
    List<String> healthcheck(String service) {
        Object h = service(service).get("healthcheck");
        return h == null ? List.of() : strings(map(h, "healthcheck of " + service).get("test"));
    }

    Map<String, Object> build(String service) {
        return map(service(service).get("build"), "build of " + service);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new AssertionError("compose.yaml: " + what + " is not a mapping: " + o);
        }
        return (Map<String, Object>) o;
    }

    private static List<String> strings(Object o) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new AssertionError("compose.yaml: expected a list (exec form), got: " + o);
        }
        return l.stream().map(String::valueOf).toList();
    }
}

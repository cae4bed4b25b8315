package io.walship.primary.config;

import io.walship.follower.UpstreamTls;
import io.walship.primary.credentials.IotSettings;
import io.walship.primary.replica.ReplicaClients;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a configuration file: a Litestream {@code litestream.yml} unchanged, plus walship's own keys
 * ({@code stream:}, per-db {@code name} and {@code upstream:}), and Litestream v0.5's directory entries
 * ({@code dir}, {@code pattern}, {@code recursive}) and single {@code replica:}. Follows Litestream v0.3.13:
 * environment expansion over the raw text, unknown keys ignored, defaults for unset keys, global keys copied into replicas.
 * Every problem is a one-line {@link ConfigException} naming the file and the key.
 */
public final class ConfigLoader {
    private static final Set<String> STREAM_UPSTREAM_KEYS = Set.of("url", "token", "ca", "cert", "key", "insecure");
    public static final Path DEFAULT_PATH = Path.of("/etc/walship.yml");
    public static final Path LITESTREAM_DEFAULT_PATH = Path.of("/etc/litestream.yml");
    public static final String CONFIG_ENV = "WALSHIP_CONFIG";

    private final Map<String, String> env;
    private final Path defaultPath;
    private final Path litestreamDefaultPath;

    public ConfigLoader() {
        this(System.getenv(), DEFAULT_PATH, LITESTREAM_DEFAULT_PATH);
    }

    /** For tests: a given environment and default locations. */
    public ConfigLoader(Map<String, String> env, Path defaultPath, Path litestreamDefaultPath) {
        this.env = env;
        this.defaultPath = defaultPath;
        this.litestreamDefaultPath = litestreamDefaultPath;
    }

    /**
     * The file to read: {@code flag} if given, else {@code $WALSHIP_CONFIG}, else {@code /etc/walship.yml}, or
     * {@code /etc/litestream.yml} when only that one exists (a Litestream host switching to walship).
     */
    public Path resolvePath(String flag) {
        if (flag != null && !flag.isEmpty()) {
            return ConfigPaths.expand(flag);
        }
        String fromEnv = env.get(CONFIG_ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return ConfigPaths.expand(fromEnv);
        }
        if (!Files.exists(defaultPath) && Files.exists(litestreamDefaultPath)) {
            return litestreamDefaultPath;
        }
        return defaultPath;
    }

    public Config load(Path file, boolean expandEnv) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": config file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read config file: " + e.getMessage());
        }
        return parse(text, file.toString(), expandEnv);
    }

    /** @param source the file name to put in messages */
    public Config parse(String text, String source, boolean expandEnv) {
        String expanded = expandEnv ? EnvExpander.expand(text, env::get) : text;
        try {
            return build(YamlMap.of(compose(expanded), ""));
        } catch (ConfigException e) {
            throw e.in(source, null);
        }
    }

    private static Node compose(String text) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new ConfigException("invalid YAML: " + where + oneLine(problem));
        } catch (YAMLException e) {
            throw new ConfigException("invalid YAML: " + oneLine(e.getMessage()));
        }
    }

    private Config build(YamlMap root) {
        Credentials global = credentials(root);
        List<DbConfig> dbs = new ArrayList<>();
        List<DirConfig> dirs = new ArrayList<>();
        for (YamlMap db : root.list("dbs")) {
            if (db.has("dir")) {
                dirs.add(dir(db, global));
            } else {
                dbs.add(db(db, global));
            }
        }
        YamlMap logging = root.map("logging");
        Boolean stderr = logging.bool("stderr");
        return new Config(root.string("addr"), List.copyOf(dbs), root.string("exec"), logging.string("level"),
                logging.string("type"), stderr != null && stderr, root.raw("stream"), List.copyOf(dirs));
    }

    private DbConfig db(YamlMap db, Credentials global) {
        String path = db.string("path");
        if (path == null || path.isEmpty()) {
            throw db.error("path", "database path required");
        }
        return settings(db, global, ConfigPaths.expand(path));
    }

    /** A Litestream v0.5 directory entry; the keys naming a single database's own files make no sense there. */
    private DirConfig dir(YamlMap db, Credentials global) {
        for (String single : List.of("path", "name", "meta-path", "upstream", "upstreams")) {
            if (db.has(single)) {
                throw db.error(single, "not allowed with dir (each database found is named by its path relative to dir)");
            }
        }
        String pattern = db.string("pattern");
        if (pattern == null || pattern.isEmpty()) {
            throw db.error("pattern", "required with dir, e.g. \"*.db\"");
        }
        Boolean recursive = db.bool("recursive");
        Duration scanInterval = orDefault(db.duration("scan-interval"), DirConfig.DEFAULT_SCAN_INTERVAL);
        Path dir = ConfigPaths.expand(db.string("dir"));
        DbConfig settings = settings(db, global, dir);
        try {
            return new DirConfig(dir, pattern, recursive != null && recursive, scanInterval, settings);
        } catch (ConfigException e) {
            throw db.error(e.key(), e.problem());
        }
    }

    /** The keys a path entry and a dir entry share; {@code path} is the database or the directory. */
    private DbConfig settings(YamlMap db, Credentials global, Path path) {
        String metaPath = db.string("meta-path");
        if (db.has("replica") && db.has("replicas")) {
            throw db.error("replica", "cannot specify both replica and replicas");
        }
        List<ReplicaConfig> replicas = new ArrayList<>();
        // Litestream v0.5 writes the single replica as replica: {...}.
        for (YamlMap r : db.has("replica") ? List.of(db.map("replica")) : db.list("replicas")) {
            replicas.add(replica(r, global));
        }
        return new DbConfig(
                path,
                db.string("name"),
                metaPath == null || metaPath.isEmpty() ? null : ConfigPaths.expand(metaPath),
                orDefault(db.duration("monitor-interval"), DbConfig.DEFAULT_MONITOR_INTERVAL),
                orDefault(db.duration("checkpoint-interval"), DbConfig.DEFAULT_CHECKPOINT_INTERVAL),
                orDefault(db.integer("min-checkpoint-page-count"), DbConfig.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT),
                orDefault(db.integer("max-checkpoint-page-count"), DbConfig.DEFAULT_MAX_CHECKPOINT_PAGE_COUNT),
                List.copyOf(replicas),
                upstreams(db, global),
                orDefault(db.size("backlog-budget"), DbConfig.DEFAULT_BACKLOG_BUDGET));
    }

    /** {@code upstream:} or {@code upstreams:}; an archive upstream takes the replica keys. */
    private List<UpstreamConfig> upstreams(YamlMap db, Credentials global) {
        if (db.has("upstream") && db.has("upstreams")) {
            throw db.error("upstreams", "cannot specify both upstream and upstreams");
        }
        List<YamlMap> blocks = db.has("upstreams") ? db.list("upstreams")
                : db.has("upstream") ? List.of(db.map("upstream")) : List.of();
        List<UpstreamConfig> out = new ArrayList<>();
        for (YamlMap u : blocks) {
            String url = u.string("url");
            if (url == null || url.isEmpty()) {
                throw u.error("url", "required: http://HOST:PORT/NAME of a primary or relay, or an archive's"
                        + " s3://BUCKET/PATH or file:///DIR");
            }
            out.add(UpstreamConfig.isStream(url) ? streamUpstream(u, url) : UpstreamConfig.archive(url,
                    replica(u, global), orDefault(u.duration("poll-interval"), UpstreamConfig.DEFAULT_POLL_INTERVAL)));
        }
        return List.copyOf(out);
    }

    /** A primary's or relay's stream; unknown keys are refused (a misspelt {@code ca} must not go unnoticed). */
    private static UpstreamConfig streamUpstream(YamlMap u, String url) {
        ConfigBlock b = ConfigBlock.of(u.plain(), u.path());
        b.requireOnly(STREAM_UPSTREAM_KEYS);
        UpstreamTls tls;
        try {
            tls = new UpstreamTls(b.path("ca"), b.path("cert"), b.path("key"));
        } catch (IllegalArgumentException e) {
            throw u.error(b.path("cert") == null ? "cert" : "key", e.getMessage());
        }
        return UpstreamConfig.stream(url, b.string("token"), tls, b.flag("insecure"));
    }

    private ReplicaConfig replica(YamlMap r, Credentials global) {
        Boolean skipVerify = r.bool("skip-verify");
        Credentials c = credentials(r).over(global);
        ReplicaConfig rc = new ReplicaConfig(
                r.string("name"),
                r.string("type"),
                r.string("url"),
                r.string("path"),
                r.string("bucket"),
                r.string("endpoint"),
                r.string("region"),
                r.bool("force-path-style"),
                skipVerify != null && skipVerify,
                c.accessKeyId(),
                c.secretAccessKey(),
                orDefault(r.duration("sync-interval"), ReplicaConfig.DEFAULT_SYNC_INTERVAL),
                orDefault(r.duration("snapshot-interval"), Duration.ZERO),
                orDefault(r.duration("retention"), ReplicaConfig.DEFAULT_RETENTION),
                orDefault(r.duration("retention-check-interval"), ReplicaConfig.DEFAULT_RETENTION_CHECK_INTERVAL),
                orDefault(r.duration("validation-interval"), Duration.ZERO),
                c.profile(),
                c.credentialsFile(),
                c.credentialProcess(),
                c.iot(),
                age(r.map("age")));
        try {
            ReplicaClients.validate(rc);
        } catch (ConfigException e) {
            throw r.error(e.key(), e.problem());
        }
        return rc;
    }

    /** The credential keys of the top level or of one replica. */
    private record Credentials(String accessKeyId, String secretAccessKey, String profile, String credentialsFile,
                               String credentialProcess, IotSettings iot) {
        /**
         * A replica's own source wins; static keys fall back key by key to the global ones, as in Litestream; a
         * replica without any credential key takes the global source.
         */
        Credentials over(Credentials global) {
            if (profile != null || credentialsFile != null || credentialProcess != null || iot != null) {
                return this;
            }
            if (accessKeyId != null || secretAccessKey != null) {
                return new Credentials(orDefault(accessKeyId, global.accessKeyId),
                        orDefault(secretAccessKey, global.secretAccessKey), null, null, null, null);
            }
            return global;
        }
    }

    private static Credentials credentials(YamlMap m) {
        return new Credentials(emptyToNull(m.string("access-key-id")), emptyToNull(m.string("secret-access-key")),
                emptyToNull(m.string("profile")), emptyToNull(m.string("credentials-file")),
                emptyToNull(m.string("credential-process")), m.has("iot") ? iot(m.map("iot")) : null);
    }

    private static IotSettings iot(YamlMap iot) {
        for (String required : List.of("endpoint", "role-alias", "cert", "key")) {
            if (emptyToNull(iot.string(required)) == null) {
                throw iot.error(required, "required for the AWS IoT credential provider");
            }
        }
        String key = iot.string("key");
        String ca = emptyToNull(iot.string("ca"));
        return new IotSettings(iot.string("endpoint"), iot.string("role-alias"), emptyToNull(iot.string("thing-name")),
                ConfigPaths.expand(iot.string("cert")), key.startsWith("pkcs11:") ? key : ConfigPaths.expand(key).toString(),
                ca == null ? null : ConfigPaths.expand(ca));
    }

    /** Litestream's {@code age:} block; an empty one encrypts nothing, as if unset. */
    private static AgeConfig age(YamlMap age) {
        List<String> identities = age.strings("identities");
        List<String> recipients = age.strings("recipients");
        return identities.isEmpty() && recipients.isEmpty() ? null : new AgeConfig(identities, recipients);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static String oneLine(String s) {
        return s == null ? "syntax error" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}

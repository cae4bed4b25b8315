package io.walship.primary.replica;

import io.walship.primary.config.ConfigException;
import io.walship.primary.credentials.CredentialSettings;
import io.walship.primary.credentials.pkcs11.Pkcs11Uri;
import io.walship.primary.config.ConfigPaths;
import io.walship.primary.config.ReplicaConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a {@link ReplicaConfig} into a replica client, with Litestream's rules (replica-format.md §9): the URL
 * scheme wins over {@code type}, which defaults to {@code file}; {@code url} excludes {@code path} and
 * {@code bucket}; keys given in the config override what the URL implies. Every replica is an
 * {@link AgeReplicaClient} over its storage, encrypting only with an {@code age:} block. Problems are {@link ConfigException}s on the offending key.
 */
public final class ReplicaClients {
    /** Replica types Litestream knows; walship implements {@code file} and {@code s3}. */
    private static final Set<String> LITESTREAM_TYPES = Set.of("file", "s3", "gcs", "abs", "sftp");
    private static final Set<String> QUERY_KEYS = Set.of("endpoint", "region", "force-path-style");

    private ReplicaClients() {
    }

    /** Opens the replica a config entry names. */
    public static ReplicaClient open(ReplicaConfig rc) {
        return open(rc, S3ReplicaClient::new, System.getenv());
    }

    /** Opens the replica with another S3 client constructor (tests count or fail requests with it). */
    public static ReplicaClient open(ReplicaConfig rc, Function<S3Settings, ReplicaClient> s3) {
        return open(rc, s3, System.getenv());
    }

    public static ReplicaClient open(ReplicaConfig rc, Function<S3Settings, ReplicaClient> s3, Map<String, String> env) {
        AgeKeys age = rc.age() == null ? AgeKeys.NONE : AgeKeys.parse(rc.age());
        ReplicaClient storage = switch (type(rc)) {
            case "file" -> new FileReplicaClient(fileRoot(rc));
            case "s3" -> s3.apply(s3Settings(rc, env));
            default -> throw unsupported(rc);
        };
        return new AgeReplicaClient(storage, new AgeCipher(age));
    }

    /**
     * A config-less replica from a command-line URL, checked. Problems name the URL itself, not a config key.
     */
    public static ReplicaConfig fromUrl(String url) {
        ReplicaConfig rc = ReplicaConfig.ofUrl(url);
        try {
            validate(rc);
        } catch (ConfigException e) {
            // The URL is quoted in url problems already; other keys come from its query.
            throw new ConfigException("url".equals(e.key()) ? e.problem() : e.getMessage());
        }
        return rc;
    }

    /** Checks everything {@link #open} would check, without opening anything. */
    public static void validate(ReplicaConfig rc) {
        switch (type(rc)) {
            case "file" -> fileRoot(rc);
            case "s3" -> s3Settings(rc, Map.of());
            default -> throw unsupported(rc);
        }
        if (rc.age() != null) {
            AgeKeys.parse(rc.age());
        }
    }

    /** {@code file}, {@code s3}, ...: the URL's scheme, else {@code type}, else {@code file}. */
    public static String type(ReplicaConfig rc) {
        if (hasText(rc.url())) {
            return ReplicaUrl.parse(rc.url()).scheme();
        }
        return hasText(rc.type()) ? rc.type() : "file";
    }

    /** The replica's name in listings and metrics: its {@code name}, else its type. */
    public static String displayName(ReplicaConfig rc) {
        return rc.displayName(type(rc));
    }

    /** The directory of a file replica: from {@code file:///DIR} or from {@code path} ({@code ~} expanded). */
    public static Path fileRoot(ReplicaConfig rc) {
        checkPathIsNotUrl(rc);
        if (hasText(rc.url())) {
            if (hasText(rc.path())) {
                throw new ConfigException("url", "cannot specify both url and path for a file replica");
            }
            ReplicaUrl u = ReplicaUrl.parse(rc.url());
            if (!u.host().isEmpty() || u.port() >= 0 || u.path().isEmpty()) {
                throw ReplicaUrl.invalid(rc.url(), "a file URL names an absolute directory: file:///DIR");
            }
            return Path.of(ReplicaUrl.cleanAbsolute(u.path()));
        }
        if (!hasText(rc.path())) {
            throw new ConfigException("path", "file replica path required");
        }
        return ConfigPaths.expand(rc.path());
    }

    /**
     * Where an S3 replica lives and how to reach it, with its {@link #credentials credential source}.
     */
    public static S3Settings s3Settings(ReplicaConfig rc, Map<String, String> env) {
        checkPathIsNotUrl(rc);
        String bucket = rc.bucket();
        String prefix = rc.path();
        String region = rc.region();
        String endpoint = rc.endpoint();
        Boolean pathStyle = rc.forcePathStyle();
        if (hasText(rc.url())) {
            if (hasText(rc.path())) {
                throw new ConfigException("url", "cannot specify both url and path for an s3 replica");
            }
            if (hasText(rc.bucket())) {
                throw new ConfigException("url", "cannot specify both url and bucket for an s3 replica");
            }
            ReplicaUrl u = ReplicaUrl.parse(rc.url());
            if (u.userInfo() != null) {
                throw ReplicaUrl.invalid(rc.url(),
                        "credentials in the URL are not supported; use access-key-id/secret-access-key or the AWS environment");
            }
            for (String k : u.query().keySet()) {
                if (!QUERY_KEYS.contains(k)) {
                    throw ReplicaUrl.invalid(rc.url(),
                            "unknown query parameter \"" + k + "\" (expected endpoint, region, force-path-style)");
                }
            }
            S3Host host = S3Host.parse(u.host(), u.port());
            if (host.bucket().isEmpty()) {
                throw ReplicaUrl.invalid(rc.url(), "missing bucket, expected s3://BUCKET/PATH");
            }
            bucket = host.bucket();
            prefix = u.path();
            region = firstText(region, u.query().get("region"), host.region());
            endpoint = firstText(endpoint, u.query().get("endpoint"), host.endpoint());
            if (pathStyle == null && u.query().containsKey("force-path-style")) {
                pathStyle = parseBool(rc.url(), u.query().get("force-path-style"));
            }
        }
        if (!hasText(bucket)) {
            throw new ConfigException("bucket", "bucket required for s3 replica");
        }
        URI endpointUri = hasText(endpoint) ? endpointUri(endpoint) : null;
        // Only AWS itself does virtual-hosted buckets; every endpoint override is taken to want path style.
        boolean forcePathStyle = pathStyle != null ? pathStyle : endpointUri != null;

        return new S3Settings(bucket, ReplicaUrl.cleanPrefix(prefix), endpointUri, hasText(region) ? region : null,
                forcePathStyle, credentials(rc, env), rc.skipVerify());
    }

    /**
     * The replica's credential source. Static keys come from the replica (the loader has already copied the global
     * ones in), else from {@code LITESTREAM_ACCESS_KEY_ID}/{@code LITESTREAM_SECRET_ACCESS_KEY} when no source is
     * configured and the AWS variables are unset (Litestream copies them over), else the AWS default chain.
     */
    public static CredentialSettings credentials(ReplicaConfig rc, Map<String, String> env) {
        CredentialSettings c = new CredentialSettings(rc.accessKeyId(), rc.secretAccessKey(), rc.profile(),
                hasText(rc.credentialsFile()) ? ConfigPaths.expand(rc.credentialsFile()) : null,
                rc.credentialProcess(), rc.iot());
        List<String> sources = c.configuredSources();
        if (sources.size() > 1) {
            throw new ConfigException(sources.get(1), "choose one credential source, not " + String.join(" and ", sources));
        }
        if (rc.iot() != null && rc.iot().keyIsPkcs11()) {
            try {
                Pkcs11Uri.parse(rc.iot().key());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("iot.key", e.getMessage());
            }
        }
        if (sources.isEmpty() && !hasText(env.get("AWS_ACCESS_KEY_ID")) && hasText(env.get("LITESTREAM_ACCESS_KEY_ID"))) {
            return CredentialSettings.ofStatic(env.get("LITESTREAM_ACCESS_KEY_ID"),
                    firstText(env.get("AWS_SECRET_ACCESS_KEY"), env.get("LITESTREAM_SECRET_ACCESS_KEY"), null));
        }
        return sources.isEmpty() ? CredentialSettings.DEFAULT_CHAIN : c;
    }

    private static URI endpointUri(String endpoint) {
        // The AWS SDK Litestream uses assumes https when the endpoint has no scheme.
        String withScheme = endpoint.contains("://") ? endpoint : "https://" + endpoint;
        try {
            URI uri = new URI(withScheme);
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new URISyntaxException(endpoint, "expected http(s)://HOST[:PORT]");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException("endpoint", "invalid endpoint \"" + endpoint + "\", expected http(s)://HOST[:PORT]");
        }
    }

    private static ConfigException unsupported(ReplicaConfig rc) {
        String type = type(rc);
        if (LITESTREAM_TYPES.contains(type)) {
            return new ConfigException(hasText(rc.url()) ? "url" : "type",
                    type + " replicas are not supported by walship (use s3 or file)");
        }
        if (hasText(rc.url())) {
            return ReplicaUrl.invalid(rc.url(), "unsupported scheme \"" + type + "\" (expected s3:// or file://)");
        }
        return new ConfigException("type", "unknown replica type \"" + type + "\" (expected file or s3)");
    }

    private static void checkPathIsNotUrl(ReplicaConfig rc) {
        if (ReplicaUrl.isUrl(rc.path())) {
            throw new ConfigException("path", "replica path cannot be a URL, use the url key instead: " + rc.path());
        }
    }

    private static boolean parseBool(String url, String v) {
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw ReplicaUrl.invalid(url, "invalid force-path-style \"" + v + "\" (expected true or false)");
        };
    }

    private static String firstText(String a, String b, String c) {
        return hasText(a) ? a : hasText(b) ? b : c;
    }

    private static boolean hasText(String s) {
        return s != null && !s.isEmpty();
    }
}

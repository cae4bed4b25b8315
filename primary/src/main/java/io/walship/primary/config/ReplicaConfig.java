package io.walship.primary.config;

import io.walship.primary.credentials.IotSettings;
import java.time.Duration;

/**
 * One replica of a database, with Litestream v0.3.13's keys and defaults (replica-format.md §9) including its
 * {@code age:} encryption (null when unset), plus walship's
 * credential sources for S3 ({@code profile}, {@code credentials-file}, {@code credential-process}, {@code iot}).
 * {@code url} is kept as given; {@link io.walship.primary.replica.ReplicaClients} resolves url/type/path/bucket
 * and the credentials.
 */
public record ReplicaConfig(
        String name,
        String type,
        String url,
        String path,
        String bucket,
        String endpoint,
        String region,
        Boolean forcePathStyle,
        boolean skipVerify,
        String accessKeyId,
        String secretAccessKey,
        Duration syncInterval,
        Duration snapshotInterval,
        Duration retention,
        Duration retentionCheckInterval,
        Duration validationInterval,
        String profile,
        String credentialsFile,
        String credentialProcess,
        IotSettings iot,
        AgeConfig age) {

    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    public static final Duration DEFAULT_RETENTION_CHECK_INTERVAL = Duration.ofHours(1);

    /** A replica with Litestream's keys only: credentials from static keys or the AWS default chain. */
    public ReplicaConfig(String name, String type, String url, String path, String bucket, String endpoint,
                         String region, Boolean forcePathStyle, boolean skipVerify, String accessKeyId,
                         String secretAccessKey, Duration syncInterval, Duration snapshotInterval, Duration retention,
                         Duration retentionCheckInterval, Duration validationInterval) {
        this(name, type, url, path, bucket, endpoint, region, forcePathStyle, skipVerify, accessKeyId, secretAccessKey,
                syncInterval, snapshotInterval, retention, retentionCheckInterval, validationInterval, null, null, null,
                null, null);
    }

    /** A config-less replica from a URL, with every default, as {@code replicate DB URL} builds it. */
    public static ReplicaConfig ofUrl(String url) {
        return new ReplicaConfig(null, null, url, null, null, null, null, null, false, null, null,
                DEFAULT_SYNC_INTERVAL, Duration.ZERO, DEFAULT_RETENTION, DEFAULT_RETENTION_CHECK_INTERVAL, Duration.ZERO);
    }

    /** The same replica without its credential keys: what a reload may not change under a running replica. */
    public ReplicaConfig withoutCredentials() {
        return new ReplicaConfig(name, type, url, path, bucket, endpoint, region, forcePathStyle, skipVerify, null, null,
                syncInterval, snapshotInterval, retention, retentionCheckInterval, validationInterval, null, null, null,
                null, age);
    }

    /**
     * The replica of one database found under a {@code dir} entry: this replica's location with the database's
     * path relative to the directory appended ({@code s3://b/prefix} + {@code sub/app.db} →
     * {@code s3://b/prefix/sub/app.db}), in the URL's path (escaped) or in {@code path}.
     */
    public ReplicaConfig under(String relative) {
        String newUrl = url;
        String newPath = path;
        if (url != null && !url.isEmpty()) {
            int q = url.indexOf('?');
            String base = q < 0 ? url : url.substring(0, q);
            newUrl = join(base, escapeUrlPath(relative)) + (q < 0 ? "" : url.substring(q));
        } else {
            newPath = path == null || path.isEmpty() ? relative : join(path, relative);
        }
        return new ReplicaConfig(name, type, newUrl, newPath, bucket, endpoint, region, forcePathStyle, skipVerify,
                accessKeyId, secretAccessKey, syncInterval, snapshotInterval, retention, retentionCheckInterval,
                validationInterval, profile, credentialsFile, credentialProcess, iot, age);
    }

    private static String join(String base, String relative) {
        return base.endsWith("/") ? base + relative : base + "/" + relative;
    }

    /** Only what would otherwise end a URL's path or start an escape. */
    private static String escapeUrlPath(String s) {
        return s.replace("%", "%25").replace("?", "%3F").replace("#", "%23");
    }

    /** Litestream names an unnamed replica after its type. */
    public String displayName(String resolvedType) {
        return name != null && !name.isEmpty() ? name : resolvedType;
    }
}

package io.walship.primary.config;

import io.walship.primary.credentials.IotSettings;
import java.time.Duration;

/**
 * One replica of a database, with Litestream v0.3.13's keys and defaults (replica-format.md §9), plus walship's
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
        IotSettings iot) {

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
                null);
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
                null);
    }

    /** Litestream names an unnamed replica after its type. */
    public String displayName(String resolvedType) {
        return name != null && !name.isEmpty() ? name : resolvedType;
    }
}

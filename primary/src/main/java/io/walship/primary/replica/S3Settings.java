package io.walship.primary.replica;

import io.walship.primary.credentials.CredentialSettings;
import java.net.URI;

/**
 * Everything needed to reach one S3 (or S3-compatible) replica.
 *
 * @param bucket          bucket name
 * @param prefix          key prefix without leading or duplicate slashes (Litestream's {@code path}); "" for the root
 * @param endpoint        endpoint override for S3-compatible stores, or null for AWS
 * @param region          region, or null to use us-east-1 with an endpoint / bucket lookup without one
 * @param forcePathStyle  path-style requests (default true when an endpoint is set)
 * @param credentials     where the credentials come from (static keys, files, a process, AWS IoT, the default chain)
 * @param skipVerify      disable TLS certificate verification (Litestream's {@code skip-verify})
 */
public record S3Settings(String bucket, String prefix, URI endpoint, String region, boolean forcePathStyle,
                         CredentialSettings credentials, boolean skipVerify) {

    /** With static keys, or the default chain when they are null. */
    public S3Settings(String bucket, String prefix, URI endpoint, String region, boolean forcePathStyle,
                      String accessKeyId, String secretAccessKey, boolean skipVerify) {
        this(bucket, prefix, endpoint, region, forcePathStyle, CredentialSettings.ofStatic(accessKeyId, secretAccessKey),
                skipVerify);
    }

    /** The same replica reached with other credentials. */
    public S3Settings withCredentials(CredentialSettings next) {
        return new S3Settings(bucket, prefix, endpoint, region, forcePathStyle, next, skipVerify);
    }

    @Override
    public String toString() {
        // Never print the secret.
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
                + (endpoint != null ? " (endpoint " + endpoint + ")" : "");
    }
}

package io.walship.primary.replica;

import java.net.URI;

/**
 * Everything needed to reach one S3 (or S3-compatible) replica.
 *
 * @param bucket          bucket name
 * @param prefix          key prefix without leading or duplicate slashes (Litestream's {@code path}); "" for the root
 * @param endpoint        endpoint override for S3-compatible stores, or null for AWS
 * @param region          region, or null to use us-east-1 with an endpoint / bucket lookup without one
 * @param forcePathStyle  path-style requests (default true when an endpoint is set)
 * @param accessKeyId     static key id, or null for the AWS default credential chain
 * @param secretAccessKey static secret, or null
 * @param skipVerify      disable TLS certificate verification (Litestream's {@code skip-verify})
 */
public record S3Settings(String bucket, String prefix, URI endpoint, String region, boolean forcePathStyle,
                         String accessKeyId, String secretAccessKey, boolean skipVerify) {

    @Override
    public String toString() {
        // Never print the secret.
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
                + (endpoint != null ? " (endpoint " + endpoint + ")" : "");
    }
}

package io.walship.it;

import java.nio.file.Path;
import java.util.List;

/** litestream.yml texts for one database and one replica, as the interop tests need them. */
final class LitestreamConfig {
    private LitestreamConfig() {
    }

    /** A directory replica. */
    static String file(Path db, Path replicaDir) {
        return """
                dbs:
                  - path: %s
                    replicas:
                      - type: file
                        path: %s
                        sync-interval: 100ms
                """.formatted(db, replicaDir);
    }

    /** An S3 replica on a loopback endpoint (S3Proxy), path-style, with static keys. */
    static String s3(Path db, String endpoint, String bucket, String prefix, String accessKey, String secretKey) {
        return s3(db, endpoint, bucket, prefix, accessKey, secretKey, "100ms");
    }

    /** The same with another sync interval and more replica keys ({@code "retention: 4s"}, one per line). */
    static String s3(Path db, String endpoint, String bucket, String prefix, String accessKey, String secretKey,
                     String syncInterval, String... replicaKeys) {
        StringBuilder more = new StringBuilder();
        for (String k : replicaKeys) {
            more.append("        ").append(k).append('\n');
        }
        return """
                dbs:
                  - path: %s
                    replicas:
                      - type: s3
                        endpoint: %s
                        bucket: %s
                        path: %s
                        region: us-east-1
                        force-path-style: true
                        access-key-id: %s
                        secret-access-key: %s
                        sync-interval: %s
                """.formatted(db, endpoint, bucket, prefix, accessKey, secretKey, syncInterval) + more;
    }

    /** The same config with an {@code age:} block on its (last) replica. */
    static String withAge(String config, List<String> identities, List<String> recipients) {
        return config + """
                        age:
                          identities: [%s]
                          recipients: [%s]
                """.formatted(String.join(", ", identities), String.join(", ", recipients));
    }
}

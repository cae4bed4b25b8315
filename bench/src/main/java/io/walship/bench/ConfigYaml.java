package io.walship.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * litestream.yml texts the suite gives both tools (walship reads Litestream's format unchanged): databases with
 * a directory or S3 replica, and walship's extras ({@code addr}, a {@code dir} entry).
 */
final class ConfigYaml {
    private ConfigYaml() {
    }

    /** A directory replica, as one item of a {@code replicas:} list. */
    static String fileReplica(Path dir, Duration syncInterval) {
        return """
                      - type: file
                        path: %s
                        sync-interval: %s
                """.formatted(dir.toAbsolutePath(), go(syncInterval));
    }

    /** A replica on the embedded S3 server (path style, static keys), as one item of a {@code replicas:} list. */
    static String s3Replica(S3Target s3, String path, Duration syncInterval) {
        return """
                      - type: s3
                        endpoint: %s
                        bucket: %s
                        path: %s
                        region: us-east-1
                        force-path-style: true
                        access-key-id: %s
                        secret-access-key: %s
                        sync-interval: %s
                """.formatted(s3.endpoint(), s3.bucket(), path, s3.accessKey(), s3.secretKey(), go(syncInterval));
    }

    /** One database entry with its replicas. */
    static String database(Path db, String... replicas) {
        return "  - path: " + db.toAbsolutePath() + "\n    replicas:\n" + String.join("", replicas);
    }

    /** walship's directory entry: every {@code *.db} in {@code dir}, each under its name below {@code replicaRoot}. */
    static String directory(Path dir, Path replicaRoot) {
        return """
                  - dir: %s
                    pattern: "*.db"
                    replica:
                      url: file://%s
                """.formatted(dir.toAbsolutePath(), replicaRoot.toAbsolutePath());
    }

    /** A whole config file; {@code addr} (walship only: serve followers there) may be null. */
    static Path write(Path file, String addr, String... databases) throws IOException {
        String yaml = (addr == null ? "" : "addr: " + addr + "\n") + "dbs:\n" + String.join("", databases);
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, yaml);
    }

    /** Go's duration syntax, which both tools parse. */
    static String go(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}

package io.walship.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a directory replica holds (Litestream v0.3 layout): snapshots and WAL segments, counted and summed, to
 * describe the replica a restore benchmark used.
 */
record ReplicaContents(int snapshots, long snapshotBytes, int walSegments, long walBytes) {

    static ReplicaContents of(Path replicaDir) throws IOException {
        int snapshots = 0;
        long snapshotBytes = 0;
        int segments = 0;
        long walBytes = 0;
        try (Stream<Path> files = Files.walk(replicaDir.resolve("generations"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".snapshot.lz4")) {
                    snapshots++;
                    snapshotBytes += Files.size(p);
                } else if (name.endsWith(".wal.lz4")) {
                    segments++;
                    walBytes += Files.size(p);
                }
            }
        }
        return new ReplicaContents(snapshots, snapshotBytes, segments, walBytes);
    }

    String describe() {
        return String.join(", ", List.of(snapshots + " snapshot(s) of " + Figures.mib(snapshotBytes) + " compressed",
                walSegments + " WAL segments of " + Figures.mib(walBytes) + " compressed"));
    }
}

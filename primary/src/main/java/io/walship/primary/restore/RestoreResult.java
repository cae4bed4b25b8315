package io.walship.primary.restore;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A finished restore.
 *
 * @param downloadedBytes compressed bytes read from the replica
 * @param databaseBytes   size of the restored database file
 */
public record RestoreResult(Path path, RestoreTarget target, long downloadedBytes, long databaseBytes, Duration elapsed) {
}

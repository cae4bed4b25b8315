package io.walship.primary.restore;

import io.walship.protocol.ReplicaLayout;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress for non-interactive use (services, CI logs): one log line per phase, no byte counting noise. */
public final class LogRestoreProgress implements RestoreProgress {
    private static final Logger LOG = LoggerFactory.getLogger(LogRestoreProgress.class);

    @Override
    public void start(RestoreTarget t, Path out) {
        String wal = t.walIndexes().isEmpty() ? "snapshot only"
                : "wal indexes " + ReplicaLayout.hex8(t.walIndexes().firstKey()) + ".." + ReplicaLayout.hex8(t.walIndexes().lastKey());
        LOG.info("restoring replica={} generation={} snapshot={} ({}) to {}: downloading {} bytes", t.replica(), t.generation(),
                ReplicaLayout.hex8(t.snapshot().index()), wal, out, t.compressedSize());
    }

    @Override
    public void downloaded(long bytes) {
    }

    @Override
    public void phase(String description) {
        LOG.info("restore: {}", description);
    }

    @Override
    public void close() {
    }
}

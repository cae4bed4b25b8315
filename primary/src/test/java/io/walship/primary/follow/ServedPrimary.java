package io.walship.primary.follow;

import io.walship.primary.archive.Replicator;
import io.walship.primary.capture.CheckpointMode;
import io.walship.primary.config.DbConfig;
import io.walship.primary.replica.ReplicaClients;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import io.walship.protocol.Pos;
import java.nio.file.Path;
import java.util.List;

/**
 * A primary in the test JVM: capture, a directory replica and the stream on a fixed loopback port, so that it can be
 * restarted on the same port, or stop serving while it goes on archiving.
 */
public final class ServedPrimary implements AutoCloseable {
    private final Replicator replicator = new Replicator(ReplicaClients::open);
    private final Replicator.Entry entry;
    private StreamServer server;

    public ServedPrimary(Path db, Path replica, int port) throws Exception {
        entry = replicator.add(DbConfig.of(db, List.of(ReplicaClients.fromUrl("file://" + replica))));
        server = StreamServer.start(replicator, StreamServerOptions.defaults().withAddress("127.0.0.1", port));
    }

    /** Every commit made so far. */
    public Pos position() throws Exception {
        return entry.db().capturePosition();
    }

    /** What the archive holds, or null before the first upload. */
    public Pos archived() {
        return entry.workers().get(0).position();
    }

    /** A checkpoint through the capture: the next commit starts a new WAL index. */
    public void checkpoint() throws Exception {
        entry.db().checkpoint(CheckpointMode.TRUNCATE);
    }

    /** Followers lose the stream; capture and archiving go on. */
    public void stopServing() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void close() {
        stopServing();
        replicator.close();
    }
}

package io.walship.primary.archive;

import io.walship.primary.replica.FileReplicaClient;
import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/** A directory replica that can be made unreachable: every call fails while {@link #down} is set. */
final class SwitchableReplica implements ReplicaClient {
    private final FileReplicaClient files;
    volatile boolean down;

    SwitchableReplica(Path dir) {
        this.files = new FileReplicaClient(dir);
    }

    private void check() throws IOException {
        if (down) {
            throw new IOException("replica unreachable (test outage)");
        }
    }

    @Override
    public String type() {
        return "file";
    }

    @Override
    public String describe() {
        return files.describe();
    }

    @Override
    public List<String> generations() throws IOException {
        check();
        return files.generations();
    }

    @Override
    public List<SnapshotInfo> snapshots(String generation) throws IOException {
        check();
        return files.snapshots(generation);
    }

    @Override
    public List<WalSegmentInfo> walSegments(String generation) throws IOException {
        check();
        return files.walSegments(generation);
    }

    @Override
    public List<WalSegmentInfo> walSegmentsFrom(String generation, long index, long offset) throws IOException {
        check();
        return files.walSegmentsFrom(generation, index, offset);
    }

    @Override
    public void writeSnapshot(String generation, long index, ObjectBody compressed) throws IOException {
        check();
        files.writeSnapshot(generation, index, compressed);
    }

    @Override
    public void writeWalSegment(String generation, long index, long offset, byte[] compressed) throws IOException {
        check();
        files.writeWalSegment(generation, index, offset, compressed);
    }

    @Override
    public InputStream openSnapshot(String generation, long index) throws IOException {
        check();
        return files.openSnapshot(generation, index);
    }

    @Override
    public InputStream openWalSegment(String generation, long index, long offset) throws IOException {
        check();
        return files.openWalSegment(generation, index, offset);
    }

    @Override
    public void deleteSnapshot(String generation, long index) throws IOException {
        check();
        files.deleteSnapshot(generation, index);
    }

    @Override
    public void deleteWalSegments(String generation, List<WalSegmentInfo> segments) throws IOException {
        check();
        files.deleteWalSegments(generation, segments);
    }

    @Override
    public void deleteGeneration(String generation) throws IOException {
        check();
        files.deleteGeneration(generation);
    }

    @Override
    public byte[] readObject(String name) throws IOException {
        check();
        return files.readObject(name);
    }

    @Override
    public void writeObject(String name, byte[] body) throws IOException {
        check();
        files.writeObject(name, body);
    }

    @Override
    public boolean createObject(String name, byte[] body) throws IOException {
        check();
        return files.createObject(name, body);
    }

    @Override
    public void deleteObject(String name) throws IOException {
        check();
        files.deleteObject(name);
    }

    @Override
    public void close() {
        files.close();
    }
}

package io.walship.primary.replica;

import io.walship.primary.credentials.CredentialSettings;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * Storage for one replica in Litestream v0.3's object layout ({@link io.walship.protocol.ReplicaLayout}).
 * Objects are opaque compressed bytes here; callers LZ4-encode and decode. Listings are sorted by
 * (index, offset) by the implementation, since Litestream's own S3 listing relies on key order.
 * Every failure is an {@link IOException} whose message names the replica and the object.
 */
public interface ReplicaClient extends AutoCloseable {

    /** Litestream's replica type name: {@code file} or {@code s3}. */
    String type();

    /** Where this replica lives, for messages and listings (no secrets). */
    String describe();

    /** Where the object at {@code path} (relative to the replica root) lives, for messages. */
    default String describe(String path) {
        return describe() + "/" + path;
    }

    /** Generation ids present in the replica, sorted; names that are not 16 lowercase hex are skipped. */
    List<String> generations() throws IOException;

    /** Snapshots of a generation, sorted by index. */
    List<SnapshotInfo> snapshots(String generation) throws IOException;

    /** WAL segments of a generation, sorted by (index, offset). */
    List<WalSegmentInfo> walSegments(String generation) throws IOException;

    /**
     * WAL segments of a generation at or after {@code (index, offset)}, sorted: what a follower polling the archive
     * has not seen yet. S3 lists only those keys (a start-after marker), so a poll costs one request however long
     * the generation is.
     */
    List<WalSegmentInfo> walSegmentsFrom(String generation, long index, long offset) throws IOException;

    /** Writes a snapshot object; it becomes visible under its final name only once complete. */
    void writeSnapshot(String generation, long index, ObjectBody compressed) throws IOException;

    /** Writes a WAL segment object; it becomes visible under its final name only once complete. */
    void writeWalSegment(String generation, long index, long offset, byte[] compressed) throws IOException;

    /** Opens a snapshot's compressed bytes; {@link ReplicaObjectNotFoundException} if it does not exist. */
    InputStream openSnapshot(String generation, long index) throws IOException;

    /** Opens a WAL segment's compressed bytes; {@link ReplicaObjectNotFoundException} if it does not exist. */
    InputStream openWalSegment(String generation, long index, long offset) throws IOException;

    void deleteSnapshot(String generation, long index) throws IOException;

    /** Deletes the given segments in the order given (callers put each index's offset 0 last). */
    void deleteWalSegments(String generation, List<WalSegmentInfo> segments) throws IOException;

    /** Deletes every object of a generation. */
    void deleteGeneration(String generation) throws IOException;

    /**
     * Reads a small object of walship's own at {@code name} under the replica root (beside {@code generations/}, so
     * Litestream never lists it), or returns null if there is none.
     */
    byte[] readObject(String name) throws IOException;

    /** Writes or replaces a small object of walship's own under the replica root; readers see it whole or not at all. */
    void writeObject(String name, byte[] body) throws IOException;

    /**
     * Writes a small object of walship's own only if there is none yet, atomically where the storage can (a hard link
     * in a directory, {@code If-None-Match: *} on S3; an S3-compatible store that ignores the header replaces it).
     *
     * @return false if an object of that name already existed
     */
    boolean createObject(String name, byte[] body) throws IOException;

    /** Deletes a small object of walship's own; a missing one is not an error. */
    void deleteObject(String name) throws IOException;

    /**
     * Switches to other credentials, or re-reads the current ones, under a running client (SIGHUP). Replicas
     * without credentials ignore it.
     */
    default void reloadCredentials(CredentialSettings next) {
    }

    /** The credential settings in use, or null for replicas without credentials. */
    default CredentialSettings credentialSettings() {
        return null;
    }

    /** When the credentials in use expire, or null if they do not (or none were needed yet). */
    default Instant credentialsExpiry() {
        return null;
    }

    @Override
    void close();

    /** Streams an object's bytes into storage without knowing its length in advance. */
    @FunctionalInterface
    interface ObjectBody {
        void writeTo(java.io.OutputStream out) throws IOException;
    }
}

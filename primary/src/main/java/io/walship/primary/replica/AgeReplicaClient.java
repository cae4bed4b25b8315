package io.walship.primary.replica;

import io.walship.primary.credentials.CredentialSettings;
import io.walship.protocol.ReplicaLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * A replica's objects as LZ4 frames, whether the storage holds them age-encrypted or not: uploads are encrypted for
 * the {@code age:} recipients (plain without any), downloads decrypted with the identities when they are encrypted
 * (a clear error without a matching one). Names, listings and deletes are the storage's own.
 */
public final class AgeReplicaClient implements ReplicaClient {
    private final ReplicaClient storage;
    private final AgeCipher cipher;

    public AgeReplicaClient(ReplicaClient storage, AgeCipher cipher) {
        this.storage = storage;
        this.cipher = cipher;
    }

    @Override
    public String type() {
        return storage.type();
    }

    @Override
    public String describe() {
        return storage.describe();
    }

    @Override
    public String describe(String path) {
        return storage.describe(path);
    }

    @Override
    public List<String> generations() throws IOException {
        return storage.generations();
    }

    @Override
    public List<SnapshotInfo> snapshots(String generation) throws IOException {
        return storage.snapshots(generation);
    }

    @Override
    public List<WalSegmentInfo> walSegments(String generation) throws IOException {
        return storage.walSegments(generation);
    }

    @Override
    public List<WalSegmentInfo> walSegmentsFrom(String generation, long index, long offset) throws IOException {
        return storage.walSegmentsFrom(generation, index, offset);
    }

    @Override
    public void writeSnapshot(String generation, long index, ObjectBody compressed) throws IOException {
        if (!cipher.encrypts()) {
            storage.writeSnapshot(generation, index, compressed);
            return;
        }
        storage.writeSnapshot(generation, index, out -> {
            try (OutputStream encrypted = cipher.encrypt(out)) {
                compressed.writeTo(encrypted);
            }
        });
    }

    @Override
    public void writeWalSegment(String generation, long index, long offset, byte[] compressed) throws IOException {
        storage.writeWalSegment(generation, index, offset, cipher.encrypts() ? cipher.encrypt(compressed) : compressed);
    }

    @Override
    public InputStream openSnapshot(String generation, long index) throws IOException {
        return cipher.decrypt(storage.openSnapshot(generation, index),
                name(ReplicaLayout.snapshotPath(generation, index)));
    }

    @Override
    public InputStream openWalSegment(String generation, long index, long offset) throws IOException {
        return cipher.decrypt(storage.openWalSegment(generation, index, offset),
                name(ReplicaLayout.walSegmentPath(generation, index, offset)));
    }

    private String name(String relative) {
        return storage.describe() + "/" + relative;
    }

    @Override
    public void deleteSnapshot(String generation, long index) throws IOException {
        storage.deleteSnapshot(generation, index);
    }

    @Override
    public void deleteWalSegments(String generation, List<WalSegmentInfo> segments) throws IOException {
        storage.deleteWalSegments(generation, segments);
    }

    @Override
    public void deleteGeneration(String generation) throws IOException {
        storage.deleteGeneration(generation);
    }

    /** walship's own small objects (the owner marker) stay plain: they hold no data and only walship reads them. */
    @Override
    public byte[] readObject(String name) throws IOException {
        return storage.readObject(name);
    }

    @Override
    public void writeObject(String name, byte[] body) throws IOException {
        storage.writeObject(name, body);
    }

    @Override
    public boolean createObject(String name, byte[] body) throws IOException {
        return storage.createObject(name, body);
    }

    @Override
    public void deleteObject(String name) throws IOException {
        storage.deleteObject(name);
    }

    @Override
    public void reloadCredentials(CredentialSettings next) {
        storage.reloadCredentials(next);
    }

    @Override
    public CredentialSettings credentialSettings() {
        return storage.credentialSettings();
    }

    @Override
    public Instant credentialsExpiry() {
        return storage.credentialsExpiry();
    }

    @Override
    public void close() {
        storage.close();
    }
}

package io.walship.primary.replica;

import io.walship.protocol.ReplicaLayout;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A replica in a local directory, laid out exactly as Litestream's file replica. Objects are written as
 * {@code <name>.tmp}, fsynced and renamed, so a crash never leaves a partial object under a final name.
 * Creation time is the file's mtime, as in Litestream.
 */
public final class FileReplicaClient implements ReplicaClient {
    private final Path root;

    public FileReplicaClient(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public String type() {
        return "file";
    }

    @Override
    public String describe() {
        return "file://" + root;
    }

    @Override
    public List<String> generations() throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : list(root.resolve(ReplicaLayout.GENERATIONS))) {
            String name = p.getFileName().toString();
            if (ReplicaLayout.isGeneration(name) && Files.isDirectory(p)) {
                out.add(name);
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    @Override
    public List<SnapshotInfo> snapshots(String generation) throws IOException {
        List<SnapshotInfo> out = new ArrayList<>();
        for (Path p : list(root.resolve(ReplicaLayout.snapshotsDir(generation)))) {
            long index = ReplicaLayout.parseSnapshotName(p.getFileName().toString());
            BasicFileAttributes a = attributes(p);
            if (index >= 0 && a != null && a.isRegularFile()) {
                out.add(new SnapshotInfo(generation, index, a.size(), a.lastModifiedTime().toInstant()));
            }
        }
        out.sort(Comparator.comparingLong(SnapshotInfo::index));
        return out;
    }

    @Override
    public List<WalSegmentInfo> walSegments(String generation) throws IOException {
        List<WalSegmentInfo> out = new ArrayList<>();
        for (Path p : list(root.resolve(ReplicaLayout.walDir(generation)))) {
            long[] io = ReplicaLayout.parseWalSegmentName(p.getFileName().toString());
            BasicFileAttributes a = attributes(p);
            if (io != null && a != null && a.isRegularFile()) {
                out.add(new WalSegmentInfo(generation, io[0], io[1], a.size(), a.lastModifiedTime().toInstant()));
            }
        }
        out.sort(WalSegmentInfo.ORDER);
        return out;
    }

    @Override
    public List<WalSegmentInfo> walSegmentsFrom(String generation, long index, long offset) throws IOException {
        WalSegmentInfo from = new WalSegmentInfo(generation, index, offset, 0, null);
        return walSegments(generation).stream().filter(s -> WalSegmentInfo.ORDER.compare(s, from) >= 0).toList();
    }

    @Override
    public void writeSnapshot(String generation, long index, ObjectBody compressed) throws IOException {
        writeAtomically(root.resolve(ReplicaLayout.snapshotPath(generation, index)), compressed);
    }

    @Override
    public void writeWalSegment(String generation, long index, long offset, byte[] compressed) throws IOException {
        writeAtomically(root.resolve(ReplicaLayout.walSegmentPath(generation, index, offset)), out -> out.write(compressed));
    }

    @Override
    public InputStream openSnapshot(String generation, long index) throws IOException {
        return open(root.resolve(ReplicaLayout.snapshotPath(generation, index)));
    }

    @Override
    public InputStream openWalSegment(String generation, long index, long offset) throws IOException {
        return open(root.resolve(ReplicaLayout.walSegmentPath(generation, index, offset)));
    }

    @Override
    public void deleteSnapshot(String generation, long index) throws IOException {
        Files.deleteIfExists(root.resolve(ReplicaLayout.snapshotPath(generation, index)));
    }

    @Override
    public void deleteWalSegments(String generation, List<WalSegmentInfo> segments) throws IOException {
        for (WalSegmentInfo s : segments) {
            Files.deleteIfExists(root.resolve(ReplicaLayout.walSegmentPath(generation, s.index(), s.offset())));
        }
    }

    @Override
    public void deleteGeneration(String generation) throws IOException {
        Path dir = root.resolve(ReplicaLayout.generationDir(generation));
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public byte[] readObject(String name) throws IOException {
        try {
            return Files.readAllBytes(root.resolve(name));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Daemons may race on these objects, so each writer has a temporary file of its own. */
    @Override
    public void writeObject(String name, byte[] body) throws IOException {
        Path target = root.resolve(name);
        replace(writeTemp(target, ownTemp(target), out -> out.write(body)), target);
    }

    /** A hard link to a complete temporary file: link(2) fails if the name exists, so exactly one creator wins. */
    @Override
    public boolean createObject(String name, byte[] body) throws IOException {
        Path target = root.resolve(name);
        Path tmp = writeTemp(target, ownTemp(target), out -> out.write(body));
        try {
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            if (Files.exists(target)) {
                return false;
            }
            Files.move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(target.getParent());
        return true;
    }

    @Override
    public void deleteObject(String name) throws IOException {
        Files.deleteIfExists(root.resolve(name));
    }

    @Override
    public void close() {
    }

    private InputStream open(Path p) throws IOException {
        try {
            return Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw new ReplicaObjectNotFoundException(describe() + ": object not found: " + root.relativize(p));
        }
    }

    private void writeAtomically(Path target, ObjectBody body) throws IOException {
        replace(writeTemp(target, target.resolveSibling(target.getFileName() + ".tmp"), body), target);
    }

    private static Path ownTemp(Path target) {
        return target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime()
                + ".tmp");
    }

    private static void replace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(target.getParent());
    }

    /** Writes and fsyncs {@code tmp}, creating the directories of {@code target}; removes it again on failure. */
    private Path writeTemp(Path target, Path tmp, ObjectBody body) throws IOException {
        Files.createDirectories(target.getParent());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new FilterOutputStream(Channels.newOutputStream(ch)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    this.out.write(b, off, len);
                }

                @Override
                public void close() {
                    // Bodies may close what they were given (LZ4 frame writers do); the channel must stay open to fsync.
                }
            };
            body.writeTo(out);
            out.flush();
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException(describe() + ": cannot write " + root.relativize(target) + ": " + e.getMessage(), e);
        }
        return tmp;
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some filesystems refuse fsync on directories; the rename itself is still atomic.
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        return out;
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
            return null; // removed between listing and stat (retention running concurrently)
        }
    }
}

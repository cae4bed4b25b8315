package io.walship.primary.restore;

import io.walship.primary.replica.ReplicaClient;
import io.walship.primary.replica.ReplicaObjectNotFoundException;
import io.walship.primary.replica.SnapshotInfo;
import io.walship.primary.replica.WalSegmentInfo;
import io.walship.protocol.Bytes;
import io.walship.protocol.Lz4Buffers;
import io.walship.protocol.Lz4FrameReader;
import io.walship.protocol.ReplicaLayout;
import io.walship.protocol.WalFormatException;
import io.walship.protocol.WalHeader;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Streams replica objects through the LZ4 decoder into the restore's temporary files, checking as it goes:
 * the snapshot must be a SQLite database, an index's segments must be contiguous from a valid WAL header at
 * offset 0 and form an unbroken frame chain. Nothing is synced here: these are temporary files, and the restored
 * database is synced once, when it is published ({@link RestoreFiles#publish()}). Memory per task: one LZ4 block and one WAL frame; a finished task's
 * block buffers go to the next, so a restore holds at most one set per download running at a time.
 */
final class ReplicaDownloader {
    private static final int BUFFER = 64 * 1024;
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int DB_HEADER = 100;

    private final ReplicaClient client;
    private final RestoreFiles files;
    private final RestoreProgress progress;
    private final Deque<Lz4Buffers> idleBuffers = new ArrayDeque<>();

    ReplicaDownloader(ReplicaClient client, RestoreFiles files, RestoreProgress progress) {
        this.client = client;
        this.files = files;
        this.progress = progress;
    }

    /** Writes the snapshot to the temporary database and returns its page size. */
    int snapshot(SnapshotInfo s) throws IOException {
        String name = objectName(ReplicaLayout.snapshotPath(s.generation(), s.index()));
        byte[] header = new byte[DB_HEADER];
        long length = 0;
        Lz4Buffers buffers = borrowBuffers();
        try (FileChannel out = files.create(files.db());
             BackgroundFileWriter writer = new BackgroundFileWriter(out, files.db(), "restore-write-snapshot");
             InputStream in = open(name, client.openSnapshot(s.generation(), s.index()), s.size(), buffers)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = read(in, buf, name)) > 0) {
                if (length < DB_HEADER) {
                    System.arraycopy(buf, 0, header, (int) length, (int) Math.min(n, DB_HEADER - length));
                }
                writer.write(buf, 0, n);
                length += n;
            }
            writer.finish();
        } finally {
            returnBuffers(buffers);
        }
        return checkDatabase(name, header, length);
    }

    private static int checkDatabase(String name, byte[] header, long length) throws RestoreException {
        if (length < DB_HEADER || !Arrays.equals(header, 0, SQLITE_MAGIC.length, SQLITE_MAGIC, 0, SQLITE_MAGIC.length)) {
            throw new RestoreException(name + ": not a SQLite database (" + length + " bytes, bad header)");
        }
        int raw = Bytes.getShortBE(header, 16);
        int pageSize = raw == 1 ? 65536 : raw;
        if (!WalHeader.validPageSize(pageSize)) {
            throw new RestoreException(name + ": invalid page size " + raw + " in the database header");
        }
        if (length % pageSize != 0) {
            throw new RestoreException(name + ": " + length + " bytes is not a whole number of " + pageSize + "-byte pages");
        }
        return pageSize;
    }

    /**
     * Concatenates an index's segments into its temporary WAL file. Each segment must start exactly where the
     * previous one ended: Litestream does not check this, and a gap would break the chain silently.
     */
    WalHeader index(String generation, long index, List<WalSegmentInfo> segments) throws IOException {
        Path dest = files.indexWal(index);
        WalHeader header = null;
        WalChainCheck chain = null;
        long expected = 0;
        Lz4Buffers buffers = borrowBuffers();
        try (FileChannel out = files.create(dest);
             BackgroundFileWriter writer = new BackgroundFileWriter(out, dest, "restore-write-" + ReplicaLayout.hex8(index))) {
            byte[] buf = new byte[BUFFER];
            for (WalSegmentInfo seg : segments) {
                String name = objectName(ReplicaLayout.walSegmentPath(generation, index, seg.offset()));
                if (seg.offset() != expected) {
                    throw new RestoreException(String.format(Locale.ROOT,
                            "wal segment gap: generation=%s index=%08x: %s starts at offset %d but the previous segments end at %d",
                            generation, index, name, seg.offset(), expected));
                }
                long length = 0;
                try (InputStream in = open(name, client.openWalSegment(generation, index, seg.offset()), seg.size(), buffers)) {
                    if (seg.offset() == 0) {
                        byte[] h = new byte[WalHeader.SIZE];
                        int got = in.readNBytes(h, 0, h.length);
                        header = parseHeader(name, h, got);
                        chain = new WalChainCheck(generation, index, header);
                        writer.write(h, 0, h.length);
                        length = h.length;
                    }
                    chain.object(name);
                    int n;
                    while ((n = read(in, buf, name)) > 0) {
                        chain.update(buf, 0, n);
                        writer.write(buf, 0, n);
                        length += n;
                    }
                } catch (RestoreException e) {
                    throw e;
                } catch (IOException e) {
                    throw readFailure(name, e);
                }
                expected = seg.offset() + length;
            }
            if (chain == null) {
                throw new RestoreException(String.format(Locale.ROOT, "no wal segments: generation=%s index=%08x", generation, index));
            }
            chain.finish();
            writer.finish();
        } finally {
            returnBuffers(buffers);
        }
        return header;
    }

    private static WalHeader parseHeader(String name, byte[] h, int got) throws RestoreException {
        if (got < WalHeader.SIZE) {
            throw new RestoreException(name + ": segment at offset 0 is shorter than a WAL header (" + got + " bytes)");
        }
        try {
            return WalHeader.parse(h);
        } catch (WalFormatException e) {
            throw new RestoreException(name + ": segment at offset 0 does not start with a valid WAL header: " + e.getMessage());
        }
    }

    private String objectName(String relative) {
        return client.describe(relative);
    }

    /**
     * Decodes the object and counts its bytes for progress. Once read, the object counts as its stored size: an
     * age-encrypted one arrives here decrypted, without the few hundred bytes of age overhead its listing includes.
     */
    private InputStream open(String name, InputStream raw, long storedSize, Lz4Buffers buffers) throws IOException {
        InputStream counted = new FilterInputStream(new BufferedInputStream(raw, BUFFER)) {
            private long seen;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(long n) {
                seen += n;
                progress.downloaded(n);
            }

            @Override
            public void close() throws IOException {
                super.close();
                if (seen < storedSize) {
                    progress.downloaded(storedSize - seen);
                    seen = storedSize;
                }
            }
        };
        try {
            return new Lz4FrameReader(counted, name, buffers);
        } catch (IOException e) {
            counted.close();
            throw readFailure(name, e);
        }
    }

    private synchronized Lz4Buffers borrowBuffers() {
        Lz4Buffers b = idleBuffers.poll();
        return b != null ? b : new Lz4Buffers();
    }

    private synchronized void returnBuffers(Lz4Buffers b) {
        idleBuffers.push(b);
    }

    private static int read(InputStream in, byte[] buf, String name) throws IOException {
        try {
            return in.readNBytes(buf, 0, buf.length);
        } catch (IOException e) {
            throw readFailure(name, e);
        }
    }

    /** The decoder already prefixes its messages with the object name; other read errors get it here. */
    private static RestoreException readFailure(String name, IOException e) {
        if (e instanceof RestoreException r) {
            return r;
        }
        String m = e.getMessage();
        if (e instanceof ReplicaObjectNotFoundException || m != null && m.contains(name)) {
            return new RestoreException(m, e);
        }
        return new RestoreException(name + ": " + (m == null ? e.getClass().getSimpleName() : m), e);
    }
}

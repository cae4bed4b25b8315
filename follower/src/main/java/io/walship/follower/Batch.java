package io.walship.follower;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Map;

/**
 * The pages one local transaction writes (spec §4.3): the latest image of every page a primary range touched, or
 * for a snapshot batch every page {@code 1..finalSize} (snapshot image overlaid by the WAL of its index). Pages
 * come in ascending order; the last one carries the commit size.
 */
final class Batch {

    @FunctionalInterface
    interface PageConsumer {
        void accept(int pgno, byte[] buf, int off) throws IOException;
    }

    private final PrimaryRange range;
    private final FileChannel snapshot;
    private final long snapshotFilePages;
    private final int finalSize;

    private Batch(PrimaryRange range, FileChannel snapshot, long snapshotFilePages, int finalSize) {
        this.range = range;
        this.snapshot = snapshot;
        this.snapshotFilePages = snapshotFilePages;
        this.finalSize = finalSize;
    }

    static Batch ofRange(PrimaryRange range) {
        return new Batch(range, null, 0, range.finalSize());
    }

    static Batch ofSnapshot(FileChannel snapshot, SnapshotSpool.Image image, PrimaryRange range) throws InvalidBatchException {
        if (image.pageSize() != range.pageSize()) {
            throw new InvalidBatchException("snapshot page size " + image.pageSize() + " differs from its WAL's "
                    + range.pageSize());
        }
        int finalSize = range.hasFrames() ? range.finalSize() : image.pageCount();
        long filePages = image.fileLength() / image.pageSize();
        if (finalSize > filePages
                && range.pages().subMap((int) filePages, false, finalSize, true).size() != finalSize - filePages) {
            throw new InvalidBatchException("snapshot of " + filePages + " pages plus its WAL lack pages of the "
                    + finalSize + "-page database");
        }
        return new Batch(range, snapshot, filePages, finalSize);
    }

    PrimaryRange range() {
        return range;
    }

    boolean isSnapshot() {
        return snapshot != null;
    }

    int pageSize() {
        return range.pageSize();
    }

    int finalSize() {
        return finalSize;
    }

    /** Number of frames the batch writes. */
    int frameCount() {
        return isSnapshot() ? finalSize : range.pages().size();
    }

    void forEachPage(PageConsumer consumer) throws IOException {
        byte[] wal = range.bytes();
        if (!isSnapshot()) {
            for (Map.Entry<Integer, Integer> e : range.pages().entrySet()) {
                consumer.accept(e.getKey(), wal, e.getValue());
            }
            return;
        }
        int pageSize = pageSize();
        byte[] page = new byte[pageSize];
        for (int pgno = 1; pgno <= finalSize; pgno++) {
            Integer at = range.pages().get(pgno);
            if (at != null) {
                consumer.accept(pgno, wal, at);
                continue;
            }
            if (pgno > snapshotFilePages
                    || !AtomicFiles.readFully(snapshot, ByteBuffer.wrap(page), (long) (pgno - 1) * pageSize)) {
                throw new InvalidBatchException("snapshot lacks page " + pgno);
            }
            if (pgno == 1) {
                PrimaryRange.requireWalMode(page, 0, "snapshot");
            }
            consumer.accept(pgno, page, 0);
        }
    }
}

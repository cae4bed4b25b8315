package io.walship.primary.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes a file on a thread of its own, so that a download decodes its next bytes while the kernel copies the
 * last ones: the two halves of the work then run on two cores. Full buffers go to the writer and come back empty
 * through two queues: one is filled while the other is written. {@value #BUFFERS} direct buffers of
 * {@value #BUFFER_SIZE} bytes, which the channel writes without another copy. The first write error fails every later call.
 */
final class BackgroundFileWriter implements AutoCloseable {
    private static final int BUFFERS = 2;
    private static final int BUFFER_SIZE = 512 * 1024;
    /** Tells the writer thread that nothing follows. */
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final FileChannel out;
    private final Path path;
    private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<ByteBuffer> empty = new ArrayBlockingQueue<>(BUFFERS);
    private final Thread thread;
    private volatile IOException failure;
    private ByteBuffer current;
    private boolean finished;

    BackgroundFileWriter(FileChannel out, Path path, String threadName) {
        this.out = out;
        this.path = path;
        for (int i = 0; i < BUFFERS; i++) {
            empty.add(ByteBuffer.allocateDirect(BUFFER_SIZE));
        }
        thread = new Thread(this::drain, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (current == null) {
                current = take(empty);
            }
            int n = Math.min(len, current.remaining());
            current.put(b, off, n);
            off += n;
            len -= n;
            if (!current.hasRemaining()) {
                handOver();
            }
        }
    }

    /** Waits until everything written is in the file; fails with the first write error. */
    void finish() throws IOException {
        if (current != null && current.position() > 0) {
            handOver();
        }
        finished = true;
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreException("restore interrupted while writing " + path);
        }
        checkFailure();
    }

    /** Stops the writer thread if {@link #finish()} did not run (the download failed or was cancelled). */
    @Override
    public void close() {
        if (!finished) {
            thread.interrupt();
        }
    }

    private void handOver() throws IOException {
        checkFailure();
        current.flip();
        put(current);
        current = null;
    }

    private void drain() {
        try {
            while (true) {
                ByteBuffer b = full.take();
                if (b == END) {
                    return;
                }
                if (failure == null) {
                    try {
                        while (b.hasRemaining()) {
                            out.write(b);
                        }
                    } catch (IOException | RuntimeException e) {
                        // Recorded, and the buffer still goes back: the producer must never wait for it forever.
                        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                        failure = new RestoreException("cannot write " + path + ": " + why, e);
                    }
                }
                b.clear();
                empty.add(b);
            }
        } catch (InterruptedException e) {
            // close(): the download is over, its files are being discarded.
        }
    }

    private void checkFailure() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    private ByteBuffer take(BlockingQueue<ByteBuffer> q) throws IOException {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreException("restore interrupted while writing " + path);
        }
    }

    private void put(ByteBuffer b) throws IOException {
        try {
            full.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreException("restore interrupted while writing " + path);
        }
    }
}

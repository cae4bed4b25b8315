package io.walship.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that puts network faults between two parties: it forwards; drops (resets every
 * connection, and each new one as it arrives); stalls (keeps every socket open but moves no byte, a black hole);
 * delays every chunk it moves (a slow link or a slow server); or, in front of an HTTP server such as S3, answers the
 * first request of every n-th new connection itself with an error status. Changing the fault resets the connections
 * open so far when the new one could not apply to them (errors, drops), so it takes effect on the next request.
 */
final class FaultProxy implements AutoCloseable {
    private enum Mode { FORWARD, DROP, STALL }

    /** The current fault: a mode, a delay per chunk, and an HTTP status for every n-th new connection. */
    private record Fault(Mode mode, long delayMillis, int status, int every) {
        static final Fault NONE = new Fault(Mode.FORWARD, 0, 0, 1);
    }

    private final ServerSocket server;
    private final int upstreamPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong sinceSet = new AtomicLong();
    private volatile Fault fault = Fault.NONE;
    private volatile boolean closed;

    private FaultProxy(ServerSocket server, int upstreamPort) {
        this.server = server;
        this.upstreamPort = upstreamPort;
        Thread t = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** A proxy on a free loopback port in front of {@code 127.0.0.1:upstreamPort}. */
    static FaultProxy to(int upstreamPort) {
        try {
            return new FaultProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), upstreamPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted, reset by a drop (either end counted once), and answered with an HTTP error, so far. */
    long accepted() {
        return accepted.get();
    }

    long resets() {
        return resets.get();
    }

    long answered() {
        return answered.get();
    }

    /** Heals: bytes flow again, held ones first. */
    void forward() {
        set(Fault.NONE, false);
    }

    /** The peer is gone: every connection is reset, and every new one too. */
    void drop() {
        resets.addAndGet(open.size() / 2);
        set(new Fault(Mode.DROP, 0, 0, 1), true);
    }

    /** A partition without resets: sockets stay open, nothing arrives either way until {@link #forward()}. */
    void stall() {
        set(new Fault(Mode.STALL, 0, 0, 1), false);
    }

    /** Every chunk waits {@code perChunk} before it is passed on, both ways. */
    void delay(Duration perChunk) {
        set(new Fault(Mode.FORWARD, perChunk.toMillis(), 0, 1), false);
    }

    /**
     * The first new connection, and every {@code every}-th after it, gets {@code status} (500, 503) for its first
     * request and is closed; the others are forwarded. Connections open so far are reset, so the next request
     * meets the fault.
     */
    void answer(int status, int every) {
        set(new Fault(Mode.FORWARD, 0, status, every), true);
    }

    private void set(Fault f, boolean resetOpen) {
        synchronized (gate) {
            fault = f;
            sinceSet.set(0);
            gate.notifyAll();
        }
        if (resetOpen) {
            open.forEach(this::reset);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Fault f = fault;
            if (f.mode() == Mode.DROP) {
                resets.incrementAndGet();
                reset(client);
            } else if (f.status() != 0 && sinceSet.getAndIncrement() % f.every() == 0) {
                start("fault-proxy-answer", () -> answer(client, f.status()));
            } else {
                start("fault-proxy-connect", () -> connect(client));
            }
        }
    }

    private void connect(Socket client) {
        Socket upstream;
        try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        } catch (IOException e) {
            reset(client);
            return;
        }
        open.add(client);
        open.add(upstream);
        Runnable bothDone = new Runnable() {
            private int done;

            @Override
            public synchronized void run() {
                if (++done == 2) {
                    closeQuietly(client);
                    closeQuietly(upstream);
                }
            }
        };
        start("fault-proxy-up", () -> pump(client, upstream, bothDone));
        pump(upstream, client, bothDone);
    }

    /** Moves bytes one way until either side closes; the fault in force decides when each chunk may go. */
    private void pump(Socket from, Socket to, Runnable done) {
        byte[] buf = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                long delay = awaitPassage();
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            reset(from);
            reset(to);
        } finally {
            done.run();
        }
    }

    /** Blocks while stalled; returns the delay to apply. */
    private long awaitPassage() throws InterruptedException, SocketException {
        synchronized (gate) {
            while (fault.mode() == Mode.STALL && !closed) {
                gate.wait();
            }
            if (fault.mode() == Mode.DROP || closed) {
                throw new SocketException("dropped");
            }
            return fault.delayMillis();
        }
    }

    private void answer(Socket client, int status) {
        if (S3ErrorAnswer.answer(client, status)) {
            answered.incrementAndGet();
        }
    }

    /** Closes with RST (linger 0), as a peer that went away does. */
    private void reset(Socket s) {
        open.remove(s);
        if (!s.isClosed()) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException e) {
                // closed meanwhile
            }
            closeQuietly(s);
        }
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    private static void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (gate) {
            gate.notifyAll();
        }
        server.close();
        open.forEach(this::reset);
    }
}

package io.walship.primary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one client may take of the stream server, seen from raw sockets: the connection cap, the header and idle
 * timeouts (slow-loris), and the size of a request head.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimitsTest {
    /** How long a test waits for the server to close a connection: far beyond every timeout configured here. */
    private static final int READ_TIMEOUT_MILLIS = 20_000;
    private static final String HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n";

    @TempDir
    Path dir;
    StreamServer server;
    final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(ConnectionLimits limits) throws IOException {
        server = StreamServer.start(name -> null, StreamServerOptions.defaults().withSpoolDir(dir)
                .withConnectionLimits(limits));
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** Reads one response (status line, headers, Content-Length body) and returns its status line and body. */
    private static String response(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a response head: " + head);
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
        int length = 0;
        for (String line : lines) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return lines[0] + " " + new String(in.readNBytes(length), StandardCharsets.UTF_8).strip();
    }

    /** True once the server closed the connection: end of stream, or a reset. */
    private static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void connectionsBeyondTheCapAreAnswered503AndClosed() throws Exception {
        start(new ConnectionLimits(2, Duration.ofSeconds(10), Duration.ofSeconds(30)));
        Socket first = connect();
        Socket second = connect();
        for (Socket s : List.of(first, second)) {
            send(s, HEALTHZ);
            assertThat(response(s)).isEqualTo("HTTP/1.1 200 OK ok");
        }
        assertThat(server.connections()).isEqualTo(2);

        Socket third = connect();
        send(third, HEALTHZ);
        assertThat(response(third)).startsWith("HTTP/1.1 503 Service Unavailable too many connections")
                .contains("at most 2");
        assertThat(closedByServer(third)).isTrue();

        // the kept-alive ones still work, and a freed place is served again
        send(second, HEALTHZ);
        assertThat(response(second)).isEqualTo("HTTP/1.1 200 OK ok");
        first.close();
        await().until(() -> server.connections() == 1);
        Socket fourth = connect();
        send(fourth, HEALTHZ);
        assertThat(response(fourth)).isEqualTo("HTTP/1.1 200 OK ok");
    }

    @Test
    void aClientTricklingItsHeadersIsClosedAtTheHeaderTimeout() throws Exception {
        start(new ConnectionLimits(16, Duration.ofMillis(300), Duration.ofSeconds(30)));
        Socket slow = connect();
        send(slow, "GET /healthz HTTP/1.1\r\nHost: test\r\n");
        // a byte every 50 ms would hold the connection forever if any byte restarted the clock
        Thread trickle = new Thread(() -> {
            try {
                while (true) {
                    send(slow, "X");
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException stopped) {
                // the server closed the connection, or the test ended
            }
        });
        trickle.start();
        try {
            assertThat(closedByServer(slow)).isTrue();
        } finally {
            trickle.interrupt();
            trickle.join();
        }
        Socket silent = connect();
        assertThat(closedByServer(silent)).isTrue();

        Socket prompt = connect();
        send(prompt, HEALTHZ);
        assertThat(response(prompt)).isEqualTo("HTTP/1.1 200 OK ok");
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start(new ConnectionLimits(16, Duration.ofSeconds(10), Duration.ofMillis(300)));
        Socket s = connect();
        send(s, HEALTHZ);
        assertThat(response(s)).isEqualTo("HTTP/1.1 200 OK ok");
        assertThat(closedByServer(s)).isTrue();
        await().until(() -> server.connections() == 0);
    }

    @Test
    void oversizeRequestHeadsAreRefusedWith414And431() throws Exception {
        start(ConnectionLimits.defaults());
        String longPath = "/pos/" + "a".repeat(ConnectionLimits.MAX_REQUEST_HEAD_BYTES);
        Socket line = connect();
        send(line, "GET " + longPath + " HTTP/1.1\r\nHost: test\r\n\r\n");
        assertThat(response(line)).startsWith("HTTP/1.1 414 ").endsWith("request line longer than 8192 bytes");
        assertThat(closedByServer(line)).isTrue();

        Socket headers = connect();
        send(headers, "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: "
                + "b".repeat(ConnectionLimits.MAX_REQUEST_HEAD_BYTES) + "\r\n\r\n");
        assertThat(response(headers)).startsWith("HTTP/1.1 431 ").endsWith("request headers longer than 8192 bytes");
        assertThat(closedByServer(headers)).isTrue();

        Socket fine = connect();
        send(fine, "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Small: " + "c".repeat(4000) + "\r\n\r\n");
        assertThat(response(fine)).isEqualTo("HTTP/1.1 200 OK ok");
    }
}

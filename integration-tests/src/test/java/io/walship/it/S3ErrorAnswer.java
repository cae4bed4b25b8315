package io.walship.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An S3 server having a bad moment, for {@link FaultProxy}: reads one HTTP request (the head, and a body of
 * known length unless the client waits for {@code 100 Continue}) and answers it with S3's error document for
 * 500 ({@code InternalError}) or 503 ({@code SlowDown}), then closes the connection.
 */
final class S3ErrorAnswer {
    private static final int MAX_HEAD = 64 * 1024;

    private S3ErrorAnswer() {
    }

    /** Returns whether the answer went out (the client may have given up first). */
    static boolean answer(Socket client, int status) {
        try (client) {
            client.setSoTimeout(5000);
            InputStream in = client.getInputStream();
            String head = readHead(in).toLowerCase(Locale.ROOT);
            if (!head.contains("\nexpect: 100-continue")) {
                in.skipNBytes(contentLength(head));
            }
            OutputStream out = client.getOutputStream();
            out.write(response(status));
            out.flush();
            client.shutdownOutput();
            in.transferTo(OutputStream.nullOutputStream());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static byte[] response(int status) {
        String code = status == 503 ? "SlowDown" : "InternalError";
        String reason = status == 503 ? "Service Unavailable" : "Internal Server Error";
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>injected by"
                + " the test's fault proxy</Message><RequestId>fault</RequestId></Error>";
        String text = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0 || head.size() > MAX_HEAD) {
                throw new IOException("no complete request head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static long contentLength(String lowerHead) {
        for (String line : lowerHead.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }
}

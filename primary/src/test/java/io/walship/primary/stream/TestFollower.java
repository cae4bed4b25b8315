package io.walship.primary.stream;

import io.walship.protocol.Pos;
import io.walship.protocol.stream.DecodedRecord;
import io.walship.protocol.stream.StreamRecordReader;
import io.walship.protocol.stream.proto.StreamRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A plain JDK HTTP client reading a stream with the protocol's own decoder, as a follower would. */
final class TestFollower implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final HttpResponse<InputStream> response;
    private final StreamRecordReader reader;

    private TestFollower(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new StreamRecordReader(response.body());
    }

    static TestFollower connect(int port, String name, Pos pos) throws IOException, InterruptedException {
        return get(port, "/stream/" + name + (pos == null ? "" : "?pos=" + pos), null);
    }

    static TestFollower get(int port, String pathAndQuery, String token) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).GET();
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return new TestFollower(CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    static String query(String raw) {
        return URLEncoder.encode(raw, StandardCharsets.UTF_8);
    }

    int status() {
        return response.statusCode();
    }

    String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    String body() throws IOException {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The next record, or null at the end of the body. */
    DecodedRecord next() throws IOException {
        return reader.read();
    }

    /** The next record that is not a heartbeat. */
    DecodedRecord nextData() throws IOException {
        DecodedRecord r;
        do {
            r = reader.read();
        } while (r != null && r.kind() == StreamRecord.KindCase.HEARTBEAT);
        return r;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}

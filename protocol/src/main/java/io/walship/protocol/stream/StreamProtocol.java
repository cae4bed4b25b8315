package io.walship.protocol.stream;

/** Constants of the follower stream, protocol version 1 (protocol/README.md). */
public final class StreamProtocol {
    public static final int VERSION = 1;

    /** Content type of a {@code GET /stream/NAME} response body. */
    public static final String CONTENT_TYPE = "application/x-walship-stream";

    /** Largest decompressed payload a server may put in one record. */
    public static final int MAX_PAYLOAD_BYTES = 4 << 20;

    /** What a walship primary sends by default: big enough to amortise overhead, small enough to interleave. */
    public static final int DEFAULT_PAYLOAD_BYTES = 1 << 20;

    /**
     * Largest encoded record a decoder accepts by default: a full payload (compressed only when smaller) plus
     * room for positions and field tags.
     */
    public static final int MAX_RECORD_BYTES = MAX_PAYLOAD_BYTES + 4096;

    public static final int DEFAULT_HEARTBEAT_MILLIS = 1000;

    private StreamProtocol() {
    }
}

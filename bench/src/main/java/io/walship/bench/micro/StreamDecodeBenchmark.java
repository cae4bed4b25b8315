package io.walship.bench.micro;

import io.walship.protocol.Pos;
import io.walship.protocol.WalHeader;
import io.walship.protocol.stream.DecodedRecord;
import io.walship.protocol.stream.Payloads;
import io.walship.protocol.stream.StreamDecoder;
import io.walship.protocol.stream.StreamFormatException;
import io.walship.protocol.stream.StreamRecordEncoder;
import io.walship.protocol.stream.StreamRecords;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a follower does with each WAL segment record that arrives: parse the protobuf, check the positions,
 * LZ4-decompress the payload (compressed as the primary sends it) and verify its CRC-32C.
 */
@State(Scope.Thread)
public class StreamDecodeBenchmark {
    @Param("1048576")
    int size;

    private byte[] wire;
    /** One decoder for the whole run, as a follower keeps one per connection (its buffer is reused). */
    private final StreamDecoder decoder = new StreamDecoder();

    @Setup
    public void setUp() {
        byte[] data = MicroData.buffer(size);
        Pos start = new Pos("0123456789abcdef", 1, WalHeader.SIZE);
        Pos end = new Pos(start.generation(), 1, WalHeader.SIZE + data.length);
        wire = StreamRecordEncoder.encode(StreamRecords.walSegment(start, end, null, false,
                Payloads.of(data, 0, data.length, true)));
    }

    @Benchmark
    public DecodedRecord decode() throws StreamFormatException {
        decoder.feed(wire);
        return decoder.next();
    }
}

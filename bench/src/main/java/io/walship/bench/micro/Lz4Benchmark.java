package io.walship.bench.micro;

import io.walship.protocol.Lz4FrameReader;
import io.walship.protocol.Lz4FrameWriter;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The archive's LZ4 frames (Litestream's format): compressing a buffer into one frame and reading it back. */
@State(Scope.Thread)
public class Lz4Benchmark {
    @Param("1048576")
    int size;

    private byte[] data;
    private byte[] frame;

    @Setup
    public void setUp() {
        data = MicroData.buffer(size);
        frame = Lz4FrameWriter.compress(data);
    }

    @Benchmark
    public byte[] encode() {
        return Lz4FrameWriter.compress(data);
    }

    @Benchmark
    public byte[] decode() throws IOException {
        return Lz4FrameReader.decompress(frame, "benchmark");
    }
}

package io.walship.bench.micro;

import io.walship.protocol.WalChecksum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** SQLite's WAL checksum chain over a buffer, as capture and apply verify every frame (little-endian WALs). */
@State(Scope.Thread)
public class WalChecksumBenchmark {
    @Param("1048576")
    int size;

    private byte[] data;

    @Setup
    public void setUp() {
        data = MicroData.buffer(size);
    }

    @Benchmark
    public WalChecksum checksum() {
        return WalChecksum.ZERO.update(false, data, 0, data.length);
    }
}

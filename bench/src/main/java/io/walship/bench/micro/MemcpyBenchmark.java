package io.walship.bench.micro;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The yardstick: copying a buffer with System.arraycopy, as fast as this machine moves memory in one thread. */
@State(Scope.Thread)
public class MemcpyBenchmark {
    @Param("1048576")
    int size;

    private byte[] src;
    private byte[] dst;

    @Setup
    public void setUp() {
        src = MicroData.buffer(size);
        dst = new byte[size];
    }

    @Benchmark
    public byte[] copy() {
        System.arraycopy(src, 0, dst, 0, size);
        return dst;
    }
}

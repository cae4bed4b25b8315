package io.walship.bench.micro;

import io.walship.bench.RowPayload;

/** The bytes every micro benchmark works on: database-like (LZ4 about 2:1), a multiple of 8 long. */
final class MicroData {
    private MicroData() {
    }

    static byte[] buffer(int size) {
        return RowPayload.of(size & ~7, 42);
    }
}

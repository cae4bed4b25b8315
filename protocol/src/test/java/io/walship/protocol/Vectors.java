package io.walship.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test vectors made with real tools (sqlite3 via Python, the lz4 CLI) and checked in under resources/vectors. */
final class Vectors {
    private Vectors() {
    }

    static byte[] load(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test vector " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text compressed into the lz4 CLI vectors (same generator as the Python one that made them). */
    static byte[] lz4VectorText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            sb.append("line ").append(i).append(": the quick brown fox jumps ").append(i % 97).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}

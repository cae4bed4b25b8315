package io.walship.primary.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundFileWriterTest {

    @Test
    void fileHoldsEveryByteInOrderAcrossBufferBoundaries(@TempDir Path dir) throws Exception {
        byte[] data = new byte[5 * (1 << 20) + 12345];
        new Random(3).nextBytes(data);
        Path file = dir.resolve("out");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             BackgroundFileWriter w = new BackgroundFileWriter(ch, file, "test-writer")) {
            // Uneven pieces, some larger than a buffer, so copies straddle buffer ends.
            int off = 0;
            for (int piece = 1; off < data.length; piece = piece * 7 % 1_500_007 + 1) {
                int n = Math.min(piece, data.length - off);
                w.write(data, off, n);
                off += n;
            }
            w.finish();
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
    }

    @Test
    void aFailedWriteFailsTheDownloadInsteadOfHangingIt(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("read-only"));
        byte[] chunk = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             BackgroundFileWriter w = new BackgroundFileWriter(ch, file, "test-writer")) {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 16; i++) {
                    w.write(chunk, 0, chunk.length);
                }
                w.finish();
            }).isInstanceOf(RestoreException.class).hasMessageStartingWith("cannot write " + file + ": ");
        }
    }
}

package io.walship.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.protocol.Pos;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What counts as already arrived when the follower decides the wire is quiet and applies its batch. */
class StreamRecordReaderBufferedTest {
    private static final Pos POS = new Pos("0123456789abcdef", 1, 4152);

    /** Hands over at most 16 KiB per read, like the JDK HTTP client, and reports the rest as available. */
    private static class ChunkedBody extends InputStream {
        private final byte[] bytes;
        private final int ready;
        private int at;

        ChunkedBody(byte[] bytes, int ready) {
            this.bytes = bytes;
            this.ready = ready;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 16 * 1024), bytes.length - at);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public int available() {
            return Math.max(0, ready - at);
        }
    }

    private static byte[] heartbeats(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            out.writeBytes(StreamRecordEncoder.encode(StreamRecords.heartbeat(POS, 1)));
        }
        return out.toByteArray();
    }

    @Test
    void everythingTheClientHoldsIsBufferedNotJustItsFirst16KiB() throws Exception {
        byte[] body = heartbeats(5000);
        assertThat(body.length).isGreaterThan(64 * 1024);
        StreamRecordReader source = new StreamRecordReader(new ChunkedBody(body, body.length));

        int records = source.read() == null ? 0 : 1;
        while (source.buffered() != null) {
            records++;
        }
        assertThat(records).isEqualTo(5000);
    }

    @Test
    void aRecordWhoseFirstBytesArrivedIsReadToItsEnd() throws Exception {
        byte[] one = StreamRecordEncoder.encode(StreamRecords.heartbeat(POS, 1));
        byte[] body = Arrays.copyOf(heartbeats(1), one.length * 2);
        System.arraycopy(one, 0, body, one.length, one.length);
        // only the first record and half of the second count as available, then the body looks quiet
        StreamRecordReader source = new StreamRecordReader(new ChunkedBody(body, one.length + one.length / 2) {
            private boolean first = true;

            @Override
            public int read(byte[] b, int off, int len) {
                int n = super.read(b, off, first ? one.length + one.length / 2 : len);
                first = false;
                return n;
            }
        });

        assertThat(source.read()).isNotNull();
        assertThat(source.buffered()).isNotNull();
        assertThat(source.buffered()).isNull();
    }

    @Test
    void nothingArrivedMeansNoRecordAndNoBlocking() throws Exception {
        byte[] body = heartbeats(2);
        StreamRecordReader source = new StreamRecordReader(new ChunkedBody(body, body.length / 2) {
            @Override
            public int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, body.length / 2));
            }
        });

        assertThat(source.read()).isNotNull();
        assertThat(source.buffered()).isNull();
    }
}

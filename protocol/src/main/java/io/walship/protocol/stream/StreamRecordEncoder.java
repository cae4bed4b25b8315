package io.walship.protocol.stream;

import com.google.protobuf.CodedOutputStream;
import io.walship.protocol.stream.proto.StreamRecord;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Frames a record for the wire: its length as a protobuf varint, then the message (protobuf's delimited form). */
public final class StreamRecordEncoder {
    private StreamRecordEncoder() {
    }

    public static byte[] encode(StreamRecord record) {
        int n = record.getSerializedSize();
        if (n > StreamProtocol.MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("record of " + n + " bytes exceeds the protocol limit "
                    + StreamProtocol.MAX_RECORD_BYTES);
        }
        byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(n) + n];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        try {
            cos.writeUInt32NoTag(n);
            record.writeTo(cos);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into an exactly sized array failed", e);
        }
        return out;
    }
}

package io.walship.protocol.stream;

import io.walship.protocol.stream.proto.StreamRecord;

/**
 * One record as the decoder checked it.
 *
 * @param record  the message
 * @param payload for {@code snapshot_chunk} and {@code wal_segment}: the decompressed bytes whose CRC-32C matched;
 *                null for every other kind
 */
public record DecodedRecord(StreamRecord record, byte[] payload) {

    public StreamRecord.KindCase kind() {
        return record.getKindCase();
    }
}

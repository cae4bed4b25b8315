package io.walship.follower;

/** Length and CRC-32 of a spool file, recorded in the journal so a re-apply uses exactly the same bytes. */
record SpoolInfo(long length, long crc) {

    String encode() {
        return length + ":" + Long.toHexString(crc);
    }

    static SpoolInfo decode(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("bad spool record '" + text + "'");
        }
        return new SpoolInfo(Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1), 16));
    }
}

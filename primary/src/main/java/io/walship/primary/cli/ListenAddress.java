package io.walship.primary.cli;

/**
 * A listen address as Litestream's {@code addr} takes it: {@code HOST:PORT}, {@code :PORT} (all interfaces),
 * {@code [::1]:PORT}.
 */
record ListenAddress(String host, int port) {

    static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw UserException.usage("invalid address \"" + text + "\": expected HOST:PORT or :PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw UserException.usage("invalid address \"" + text + "\": port must be a number from 0 to 65535");
        }
        return new ListenAddress(host.isEmpty() ? "0.0.0.0" : host, port);
    }
}

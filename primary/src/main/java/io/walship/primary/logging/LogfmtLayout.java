package io.walship.primary.logging;

/**
 * logfmt: {@code time=… level=INFO logger=… msg="…" key=value}. A value is quoted when it is empty or holds a space,
 * {@code =}, a quote or a control character; inside quotes backslash, quote, newline, return and tab are escaped,
 * so every event stays on one line.
 */
public final class LogfmtLayout extends FieldLayout {

    @Override
    void begin(StringBuilder out) {
    }

    @Override
    void field(StringBuilder out, String key, Object value, boolean first) {
        if (!first) {
            out.append(' ');
        }
        out.append(key(key)).append('=');
        String text = String.valueOf(value);
        if (!needsQuotes(text)) {
            out.append(text);
            return;
        }
        quoted(out, text);
    }

    @Override
    void end(StringBuilder out) {
    }

    private static boolean needsQuotes(String s) {
        if (s.isEmpty()) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** Keys cannot be quoted in logfmt: spaces, quotes and {@code =} become underscores. */
    private static String key(String k) {
        return k.isEmpty() ? "_" : k.replaceAll("[\\s=\"]", "_");
    }
}

package io.walship.protocol;

import java.util.Locale;

/**
 * Untrusted text (a position file, a query parameter, a config value) shown inside an error message, which must stay
 * one readable line: quoted, control and non-ASCII characters escaped Java-style, and cut after {@link #MAX_CHARS}.
 */
public final class MessageText {
    static final int MAX_CHARS = 100;

    private MessageText() {
    }

    /** One line for an exception: its message, or its type when it has none. */
    public static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    public static String quote(String text) {
        StringBuilder out = new StringBuilder("'");
        int n = Math.min(text.length(), MAX_CHARS);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('\'');
        if (text.length() > MAX_CHARS) {
            out.append("... (").append(text.length()).append(" characters)");
        }
        return out.toString();
    }
}

package io.walship.primary.config;

import java.util.function.UnaryOperator;

/**
 * Replaces {@code $NAME} and {@code ${NAME}} exactly like Go's {@code os.ExpandEnv}, which Litestream applies to
 * the raw configuration text: unset names become empty; there is no escape or default syntax, so
 * {@code ${NAME:-x}} looks up the name {@code NAME:-x}, and {@code $$} or {@code $1} (shell specials) become
 * empty; a {@code $} not followed by a name is kept; a malformed {@code ${} or {@code ${}} is dropped.
 */
public final class EnvExpander {
    private EnvExpander() {
    }

    /** @param lookup returns the variable's value, or null when unset */
    public static String expand(String s, UnaryOperator<String> lookup) {
        StringBuilder out = null;
        int copied = 0;
        for (int j = 0; j < s.length(); j++) {
            if (s.charAt(j) != '$' || j + 1 >= s.length()) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length() * 2);
            }
            out.append(s, copied, j);
            int[] width = new int[1];
            String name = shellName(s, j + 1, width);
            if (name.isEmpty() && width[0] == 0) {
                out.append('$');
            } else if (!name.isEmpty()) {
                String value = lookup.apply(name);
                out.append(value == null ? "" : value);
            }
            j += width[0];
            copied = j + 1;
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    /** The variable name starting at {@code from}, and in {@code width[0]} how many characters it spans. */
    private static String shellName(String s, int from, int[] width) {
        char c = s.charAt(from);
        if (c == '{') {
            if (s.length() - from > 2 && isShellSpecial(s.charAt(from + 1)) && s.charAt(from + 2) == '}') {
                width[0] = 3;
                return s.substring(from + 1, from + 2);
            }
            for (int i = from + 1; i < s.length(); i++) {
                if (s.charAt(i) == '}') {
                    width[0] = i - from + 1;
                    // "${}" is bad syntax: eaten, like Go.
                    return i == from + 1 ? "" : s.substring(from + 1, i);
                }
            }
            width[0] = 1; // unterminated "${": the two characters are eaten
            return "";
        }
        if (isShellSpecial(c)) {
            width[0] = 1;
            return String.valueOf(c);
        }
        int i = from;
        while (i < s.length() && isAlphaNum(s.charAt(i))) {
            i++;
        }
        width[0] = i - from;
        return s.substring(from, i);
    }

    private static boolean isShellSpecial(char c) {
        return "*#$@!?-0123456789".indexOf(c) >= 0;
    }

    private static boolean isAlphaNum(char c) {
        return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}

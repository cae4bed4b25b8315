package io.walship.primary.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them in a config file: {@code 1073741824}, {@code 512MB}, {@code 1GiB}, {@code 200M}. */
final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("^\\s*(\\d+)\\s*([a-z]*)\\s*$");
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("", 1L), Map.entry("b", 1L),
            Map.entry("k", 1L << 10), Map.entry("kb", 1000L), Map.entry("kib", 1L << 10),
            Map.entry("m", 1L << 20), Map.entry("mb", 1000_000L), Map.entry("mib", 1L << 20),
            Map.entry("g", 1L << 30), Map.entry("gb", 1000_000_000L), Map.entry("gib", 1L << 30),
            Map.entry("t", 1L << 40), Map.entry("tb", 1000_000_000_000L), Map.entry("tib", 1L << 40));

    private ByteSize() {
    }

    static long parse(String text) {
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        Long unit = m.matches() ? UNITS.get(m.group(2)) : null;
        if (unit == null) {
            throw new IllegalArgumentException("invalid size \"" + text + "\" (e.g. 1073741824, 512MB, 1GiB)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size \"" + text + "\" is too large");
        }
    }
}

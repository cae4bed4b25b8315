package io.walship.primary.config;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Go's {@code time.Duration} text forms, which Litestream uses in its config ({@code 1s}, {@code 500ms},
 * {@code 1h30m}) and in the {@code lag} column of {@code generations} ({@code 691ms}, {@code 4.2s}, {@code 2m0s}).
 */
public final class GoDuration {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final Map<String, Long> UNITS = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "\u00b5s", 1_000L, // micro sign
            "\u03bcs", 1_000L, // Greek mu
            "ms", 1_000_000L,
            "s", NANOS_PER_SECOND,
            "m", 60 * NANOS_PER_SECOND,
            "h", 3600 * NANOS_PER_SECOND);

    private GoDuration() {
    }

    /**
     * Parses like Go's {@code time.ParseDuration}: a sign, then one or more decimal numbers each with a unit
     * ({@code ns us µs ms s m h}); a bare {@code 0} is allowed.
     *
     * @throws IllegalArgumentException {@code invalid duration "TEXT"}
     */
    public static Duration parse(String text) {
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        long total = 0;
        int i = 0;
        try {
            while (i < s.length()) {
                int start = i;
                long whole = 0;
                while (i < s.length() && isDigit(s.charAt(i))) {
                    whole = Math.addExact(Math.multiplyExact(whole, 10), s.charAt(i) - '0');
                    i++;
                }
                boolean hasWhole = i > start;
                long fraction = 0;
                double scale = 1;
                boolean hasFraction = false;
                if (i < s.length() && s.charAt(i) == '.') {
                    i++;
                    int fracStart = i;
                    boolean overflow = false;
                    while (i < s.length() && isDigit(s.charAt(i))) {
                        // Like Go, digits beyond long precision are consumed but ignored.
                        if (!overflow && fraction <= (Long.MAX_VALUE - 9) / 10) {
                            fraction = fraction * 10 + (s.charAt(i) - '0');
                            scale *= 10;
                        } else {
                            overflow = true;
                        }
                        i++;
                    }
                    hasFraction = i > fracStart;
                }
                if (!hasWhole && !hasFraction) {
                    throw invalid(text);
                }
                int unitStart = i;
                while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
                    i++;
                }
                Long unit = UNITS.get(s.substring(unitStart, i));
                if (unit == null) {
                    throw invalid(text);
                }
                long v = Math.multiplyExact(whole, unit);
                if (fraction > 0) {
                    v = Math.addExact(v, (long) (fraction * (unit / scale)));
                }
                total = Math.addExact(total, v);
            }
        } catch (ArithmeticException overflow) {
            throw invalid(text);
        }
        return Duration.ofNanos(negative ? -total : total);
    }

    /** Formats like Go's {@code Duration.String()}: {@code 0s}, {@code 1.5µs}, {@code 691ms}, {@code 4.2s}, {@code 1h2m0s}. */
    public static String format(Duration d) {
        long nanos = saturatedNanos(d);
        if (nanos == 0) {
            return "0s";
        }
        boolean negative = nanos < 0;
        // Unsigned magnitude, so that Long.MIN_VALUE formats like Go's minimum duration.
        long u = negative ? -nanos : nanos;
        StringBuilder sb = new StringBuilder();
        if (Long.compareUnsigned(u, NANOS_PER_SECOND) < 0) {
            String unit;
            int precision;
            if (u < 1_000) {
                unit = "ns";
                precision = 0;
            } else if (u < 1_000_000) {
                unit = "\u00b5s";
                precision = 3;
            } else {
                unit = "ms";
                precision = 6;
            }
            sb.append(Long.toUnsignedString(u / pow10(precision))).append(fraction(u % pow10(precision), precision))
                    .append(unit);
        } else {
            long seconds = Long.divideUnsigned(u, NANOS_PER_SECOND);
            String frac = fraction(Long.remainderUnsigned(u, NANOS_PER_SECOND), 9);
            long minutes = seconds / 60;
            long hours = minutes / 60;
            if (hours > 0) {
                sb.append(hours).append('h');
            }
            if (minutes > 0) {
                sb.append(minutes % 60).append('m');
            }
            sb.append(seconds % 60).append(frac).append('s');
        }
        return (negative ? "-" : "") + sb;
    }

    /**
     * Litestream's rounding of the {@code lag} column: whole seconds above 10 s, tenths above 1 s,
     * milliseconds above 1 ms, microseconds above 1 µs (towards zero, symmetric for negative lags).
     */
    public static Duration truncateForLag(Duration d) {
        long n = saturatedNanos(d);
        long a = Math.abs(n == Long.MIN_VALUE ? Long.MAX_VALUE : n);
        long unit;
        if (a > 10 * NANOS_PER_SECOND) {
            unit = NANOS_PER_SECOND;
        } else if (a > NANOS_PER_SECOND) {
            unit = NANOS_PER_SECOND / 10;
        } else if (a > 1_000_000) {
            unit = 1_000_000;
        } else if (a > 1_000) {
            unit = 1_000;
        } else {
            unit = 1;
        }
        return Duration.ofNanos(n - n % unit);
    }

    /** {@code to - from} saturated to Go's duration range, as Go's {@code Time.Sub}. */
    public static Duration between(Instant from, Instant to) {
        try {
            return Duration.ofNanos(Duration.between(from, to).toNanos());
        } catch (ArithmeticException overflow) {
            return Duration.ofNanos(to.isAfter(from) ? Long.MAX_VALUE : Long.MIN_VALUE);
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** ".ddd" with trailing zeros removed, or "" when the fraction is zero. */
    private static String fraction(long value, int digits) {
        if (value == 0) {
            return "";
        }
        String s = String.format("%0" + digits + "d", value);
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        return "." + s.substring(0, end);
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration \"" + text + "\"");
    }
}

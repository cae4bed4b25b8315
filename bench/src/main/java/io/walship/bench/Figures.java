package io.walship.bench;

import java.util.Arrays;
import java.util.Locale;

/** Small statistics and number formats the tables share. */
final class Figures {
    private Figures() {
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /** {@code a / b} as "2.41×". */
    static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2f×", a / b);
    }

    static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Every value, for showing the spread next to a median: "1.2, 1.3, 1.2". */
    static String all(double[] values, int decimals) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.isEmpty() ? "" : ", ").append(fixed(v, decimals));
        }
        return sb.toString();
    }

    static String mib(long bytes) {
        return fixed(bytes / 1048576.0, 1) + " MiB";
    }
}

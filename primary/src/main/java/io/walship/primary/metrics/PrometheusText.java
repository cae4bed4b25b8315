package io.walship.primary.metrics;

/**
 * A minimal writer of the Prometheus text exposition format. Hand-written rather than a client library so that
 * Litestream's counter names come out exactly as Litestream exports them, without the {@code _total} suffix
 * the libraries append (dependencies.md §9).
 */
public final class PrometheusText {
    private final StringBuilder out;

    public PrometheusText(StringBuilder out) {
        this.out = out;
    }

    /** The {@code # HELP} and {@code # TYPE} lines; {@code type} is {@code gauge} or {@code counter}. */
    public PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** One sample; {@code labels} alternate name and value, in the order to print them. */
    public PrometheusText sample(String name, double value, String... labels) {
        out.append(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
        }
        out.append("} ");
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
        return this;
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

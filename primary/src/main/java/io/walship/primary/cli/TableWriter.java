package io.walship.primary.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Listing output as Litestream prints it with Go's tabwriter (padding 2, spaces): every column but the last is
 * padded to its widest cell plus two spaces; the last cell is written as is. Rows are buffered until
 * {@link #writeTo}, since widths depend on every row.
 */
final class TableWriter {
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final int PADDING = 2;

    private final List<String[]> rows = new ArrayList<>();

    TableWriter(String... header) {
        rows.add(header);
    }

    void row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
    }

    void writeTo(PrintWriter out) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) {
                widths[i] = Math.max(widths[i], width(r[i]));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(r[i]);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(widths[i] - width(r[i]) + PADDING));
                }
            }
            sb.append('\n');
        }
        out.print(sb);
        out.flush();
    }

    /** A listing time: RFC 3339 in UTC, whole seconds (truncated, as Go's formatting does). */
    static String time(Instant t) {
        return RFC3339.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}

package io.walship.primary.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One log event as one line of named fields, in a fixed order: {@code time} (RFC 3339 UTC, milliseconds),
 * {@code level}, {@code logger}, {@code msg}, then the event's key-value pairs and MDC entries, then {@code error}
 * (the exception's type and message) when there is one. Subclasses decide how fields are written.
 */
abstract class FieldLayout extends LayoutBase<ILoggingEvent> {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(256);
        begin(out);
        field(out, "time", TIME.format(event.getInstant()), true);
        field(out, "level", event.getLevel().toString(), false);
        field(out, "logger", event.getLoggerName(), false);
        field(out, "msg", event.getFormattedMessage(), false);
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                field(out, kv.key, kv.value, false);
            }
        }
        for (Map.Entry<String, String> e : event.getMDCPropertyMap().entrySet()) {
            field(out, e.getKey(), e.getValue(), false);
        }
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            field(out, "error", error.getClassName() + (error.getMessage() != null ? ": " + error.getMessage() : ""), false);
            throwable(out, error);
        }
        end(out);
        return out.append('\n').toString();
    }

    abstract void begin(StringBuilder out);

    /** Appends one field; {@code value} is a String, Number, Boolean or anything else (written as its text). */
    abstract void field(StringBuilder out, String key, Object value, boolean first);

    /** Room for more about an exception than its {@code error} field; nothing by default. */
    void throwable(StringBuilder out, IThrowableProxy error) {
    }

    abstract void end(StringBuilder out);

    /** {@code s} in double quotes, with backslash, quote and control characters escaped as in JSON. */
    static void quoted(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        out.append('"');
    }
}

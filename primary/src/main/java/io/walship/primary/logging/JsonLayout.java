package io.walship.primary.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;

/**
 * One JSON object per line: {@code {"time":"…","level":"INFO","logger":"…","msg":"…",…}}. Numbers and booleans among
 * the key-value pairs stay JSON numbers and booleans; an exception adds {@code error} and its {@code stack}.
 */
public final class JsonLayout extends FieldLayout {

    @Override
    void begin(StringBuilder out) {
        out.append('{');
    }

    @Override
    void field(StringBuilder out, String key, Object value, boolean first) {
        if (!first) {
            out.append(',');
        }
        quoted(out, key);
        out.append(':');
        if (value instanceof Boolean || value instanceof Number n && Double.isFinite(n.doubleValue())) {
            out.append(value);
        } else {
            quoted(out, String.valueOf(value));
        }
    }

    @Override
    void throwable(StringBuilder out, IThrowableProxy error) {
        field(out, "stack", ThrowableProxyUtil.asString(error), false);
    }

    @Override
    void end(StringBuilder out) {
        out.append('}');
    }
}

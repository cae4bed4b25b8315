package io.walship.primary.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.Iterator;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * How log events are written ({@code -log-format}, {@code WALSHIP_LOG_FORMAT}): {@code text}, the default from
 * {@code logback.xml} ({@code time=… level=INFO msg="…"}, like Litestream's text logs); {@code logfmt}, which adds the
 * logger, key-value pairs and consistent quoting; {@code json}, one object per line.
 */
public enum LogFormat {
    TEXT(null),
    LOGFMT(LogfmtLayout::new),
    JSON(JsonLayout::new);

    private final Supplier<FieldLayout> layout;

    LogFormat(Supplier<FieldLayout> layout) {
        this.layout = layout;
    }

    /** The format named {@code name} (any case); IllegalArgumentException with a one-line message otherwise. */
    public static LogFormat parse(String name) {
        for (LogFormat f : values()) {
            if (f.name().equalsIgnoreCase(name.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("invalid log format '" + name + "': expected text, logfmt or json");
    }

    /**
     * The format a command line asks for, before it is parsed (logging starts before the command runs): the last
     * {@code -log-format F}, {@code --log-format F} or {@code -log-format=F}, else {@code env}, else text.
     */
    public static LogFormat select(String[] args, String env) {
        String chosen = env;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("-log-format") || a.equals("--log-format")) && i + 1 < args.length) {
                chosen = args[++i];
            } else if (a.startsWith("-log-format=") || a.startsWith("--log-format=")) {
                chosen = a.substring(a.indexOf('=') + 1);
            }
        }
        return chosen == null || chosen.isBlank() ? TEXT : parse(chosen);
    }

    /** Switches every appender of the root logger to this format; text keeps logback.xml's own pattern. */
    public void install() {
        if (layout == null) {
            return;
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out) {
                FieldLayout l = layout.get();
                l.setContext(ctx);
                l.start();
                LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
                encoder.setContext(ctx);
                encoder.setLayout(l);
                encoder.start();
                out.stop();
                out.setEncoder(encoder);
                out.start();
            }
        }
    }
}

package io.walship.primary.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** Exact lines for fixed events, so a format change is a visible decision. */
class LayoutsTest {
    private static LoggingEvent event(String message, Object... args) {
        return event(Map.of(), message, args);
    }

    private static LoggingEvent event(Map<String, String> mdc, String message, Object... args) {
        LoggingEvent e = new LoggingEvent();
        e.setInstant(Instant.parse("2026-11-27T10:15:30.123456Z"));
        e.setLevel(Level.WARN);
        e.setLoggerName("io.walship.primary.archive.Replicator");
        e.setMessage(message);
        e.setArgumentArray(args);
        e.setMDCPropertyMap(mdc);
        return e;
    }

    private static String line(FieldLayout layout, LoggingEvent e) {
        layout.start();
        return layout.doLayout(e);
    }

    @Test
    void logfmtQuotesOnlyWhatNeedsIt() {
        LoggingEvent e = event("{}: replica {}: upload failed: {}", "/data/app.db", "s3", "403 \"Forbidden\"\nretrying");
        e.addKeyValuePair(new KeyValuePair("attempt", 3));
        e.addKeyValuePair(new KeyValuePair("replica", "s3"));
        e.addKeyValuePair(new KeyValuePair("empty", ""));

        assertThat(line(new LogfmtLayout(), e)).isEqualTo("time=2026-11-27T10:15:30.123Z level=WARN"
                + " logger=io.walship.primary.archive.Replicator"
                + " msg=\"/data/app.db: replica s3: upload failed: 403 \\\"Forbidden\\\"\\nretrying\""
                + " attempt=3 replica=s3 empty=\"\"\n");
    }

    @Test
    void logfmtAddsMdcAndTheErrorOnTheSameLine() {
        LoggingEvent e = event(Map.of("db", "/data/a b.db"), "sync failed");
        e.setThrowableProxy(new ThrowableProxy(new IllegalStateException("disk full")));

        assertThat(line(new LogfmtLayout(), e)).isEqualTo("time=2026-11-27T10:15:30.123Z level=WARN"
                + " logger=io.walship.primary.archive.Replicator msg=\"sync failed\" db=\"/data/a b.db\""
                + " error=\"java.lang.IllegalStateException: disk full\"\n");
    }

    @Test
    void jsonIsOneObjectPerLineWithTypedValues() {
        LoggingEvent e = event("following {} into {}", "http://p:7070/app.db", "C:\\tmp\\x.db");
        e.addKeyValuePair(new KeyValuePair("lag_ms", 12.5));
        e.addKeyValuePair(new KeyValuePair("caught_up", true));
        e.addKeyValuePair(new KeyValuePair("nan", Double.NaN));

        assertThat(line(new JsonLayout(), e)).isEqualTo("{\"time\":\"2026-11-27T10:15:30.123Z\",\"level\":\"WARN\","
                + "\"logger\":\"io.walship.primary.archive.Replicator\","
                + "\"msg\":\"following http://p:7070/app.db into C:\\\\tmp\\\\x.db\","
                + "\"lag_ms\":12.5,\"caught_up\":true,\"nan\":\"NaN\"}\n");
    }

    @Test
    void jsonCarriesTheStackInOneEscapedField() {
        LoggingEvent e = event("boom\u0001");
        e.setThrowableProxy(new ThrowableProxy(new RuntimeException("bad")));

        String json = line(new JsonLayout(), e);
        assertThat(json).startsWith("{\"time\":\"2026-11-27T10:15:30.123Z\",\"level\":\"WARN\","
                + "\"logger\":\"io.walship.primary.archive.Replicator\",\"msg\":\"boom\\u0001\","
                + "\"error\":\"java.lang.RuntimeException: bad\",\"stack\":\"java.lang.RuntimeException: bad\\n\\tat ")
                .endsWith("}\n");
        assertThat(json.lines()).hasSize(1);
    }

    @Test
    void theFormatComesFromTheLastFlagThenTheEnvironment() {
        assertThat(LogFormat.select(new String[] {"replicate", "-log-format", "json", "db"}, null)).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.select(new String[] {"--log-format=LOGFMT"}, "json")).isEqualTo(LogFormat.LOGFMT);
        assertThat(LogFormat.select(new String[] {"-log-format=json", "--log-format", "text"}, null)).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.select(new String[] {"version"}, "logfmt")).isEqualTo(LogFormat.LOGFMT);
        assertThat(LogFormat.select(new String[] {"version"}, null)).isEqualTo(LogFormat.TEXT);
        assertThatThrownBy(() -> LogFormat.select(new String[] {"-log-format", "xml"}, null))
                .hasMessage("invalid log format 'xml': expected text, logfmt or json");
    }
}

package io.walship.bench.cli;

import io.walship.primary.config.GoDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line, in Go's syntax like the rest of walship: 10s, 500ms, 2m. Must be positive. */
final class DurationValue implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration d;
        try {
            d = GoDuration.parse(value.strip());
        } catch (IllegalArgumentException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw new TypeConversionException("'" + value + "' is not a positive duration such as 10s or 500ms");
        }
        return d;
    }
}

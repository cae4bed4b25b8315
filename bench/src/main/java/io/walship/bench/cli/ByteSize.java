package io.walship.bench.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Sizes on the command line: a whole number of bytes, or with K/KiB, M/MiB, G/GiB (powers of 1024). */
final class ByteSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        int unit = 0;
        for (String[] u : new String[][] {{"KIB", "K"}, {"MIB", "M"}, {"GIB", "G"}}) {
            unit++;
            for (String suffix : u) {
                if (v.endsWith(suffix)) {
                    return times(value, v.substring(0, v.length() - suffix.length()), 1L << (10 * unit));
                }
            }
        }
        return times(value, v, 1);
    }

    private static long times(String original, String number, long unit) {
        try {
            long n = Long.parseLong(number.strip());
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new TypeConversionException("'" + original + "' is not a size such as 1GiB, 64MiB or 4096");
        }
    }
}

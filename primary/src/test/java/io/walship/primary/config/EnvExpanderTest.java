package io.walship.primary.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvExpanderTest {
    private static final Map<String, String> ENV = Map.of("NAME", "val", "B", "bee", "A_1", "x");

    private static String expand(String s) {
        return EnvExpander.expand(s, ENV::get);
    }

    // Expected values are what Go's os.ExpandEnv returns for the same input and environment.
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "$NAME|val",
        "${NAME}|val",
        "a${NAME}b|avalb",
        "$NAME.db|val.db",
        "$NAMEX|''",
        "${NAME:-x}|''",
        "$$|''",
        "$1|''",
        "${1}|''",
        "x$|x$",
        "'$ x'|'$ x'",
        "a$-b|ab",
        "${}x|x",
        "${NAME|NAME",
        "$UNSET/p|/p",
        "$A_1$B|xbee",
        "no dollars|no dollars",
        "p@$$w0rd|p@w0rd",
        "'$/'|'$/'",
    })
    void expandsLikeGo(String in, String out) {
        assertThat(expand(in)).isEqualTo(out);
    }

    @Test
    void expandsAcrossLines() {
        assertThat(expand("a: $NAME\nb: ${B}\n")).isEqualTo("a: val\nb: bee\n");
    }
}

package io.walship.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PosTest {
    @Test
    void formatsAndParsesInterfaceExample() {
        Pos p = Pos.parse("a1b2c3d4e5f60718/0000000000000003:0000000000001038");
        assertThat(p.generation()).isEqualTo("a1b2c3d4e5f60718");
        assertThat(p.index()).isEqualTo(3);
        assertThat(p.offset()).isEqualTo(0x1038);
        assertThat(p.toString()).isEqualTo("a1b2c3d4e5f60718/0000000000000003:0000000000001038");
        assertThat(p.toLitestreamString()).isEqualTo("a1b2c3d4e5f60718/00000003:4152");
        assertThat(Pos.parse(" a1b2c3d4e5f60718/0000000000000003:0000000000001038\n")).isEqualTo(p);
    }

    @Test
    void rejectsMalformedText() {
        for (String bad : new String[] {"", "a1b2/3:4", "A1B2C3D4E5F60718/0000000000000003:0000000000001038",
                "a1b2c3d4e5f60718/000000000000003:0000000000001038", "a1b2c3d4e5f60718-0000000000000003:0000000000001038"}) {
            assertThatThrownBy(() -> Pos.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid position");
        }
    }

    /** Found by PosFuzzTest: the text was echoed raw, so a position file holding a newline gave a two-line error. */
    @Test
    void errorsStayOnOneLineWhateverTheText() {
        assertThatThrownBy(() -> Pos.parse("/\nA")).hasMessageStartingWith("invalid position '/\\nA': ");
        String longText = "x".repeat(5000);
        assertThatThrownBy(() -> Pos.parse(longText)).hasMessageContaining("... (5000 characters)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(250));
        assertThatThrownBy(() -> new Pos("0123\u0000", 0, 0)).hasMessageContaining("'0123\\u0000'");
    }

    @Test
    void ordersWithinGenerationOnly() {
        Pos a = new Pos("0000000000000001", 1, 500);
        Pos b = new Pos("0000000000000001", 2, 32);
        assertThat(a).isLessThan(b);
        assertThatThrownBy(() -> a.compareTo(new Pos("0000000000000002", 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

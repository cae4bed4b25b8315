package io.walship.primary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellWordsTest {
    @Test
    void splitsOnRunsOfBlanks() {
        assertThat(ShellWords.split("  app  -x\t1 \n")).containsExactly("app", "-x", "1");
    }

    @Test
    void singleQuotesAreLiteral() {
        assertThat(ShellWords.split("sh -c 'echo \"$HOME\" \\n; exit 3'"))
                .containsExactly("sh", "-c", "echo \"$HOME\" \\n; exit 3");
    }

    @Test
    void doubleQuotesKeepBlanksAndHonourEscapes() {
        assertThat(ShellWords.split("echo \"a  b \\\"c\\\" \\\\ \\$x \\n\""))
                .containsExactly("echo", "a  b \"c\" \\ $x \\n");
    }

    @Test
    void backslashEscapesOutsideQuotes() {
        assertThat(ShellWords.split("touch my\\ file \\'q")).containsExactly("touch", "my file", "'q");
    }

    @Test
    void adjacentPartsJoinIntoOneWord() {
        assertThat(ShellWords.split("a'b c'\"d e\"f")).containsExactly("ab cd ef");
    }

    @Test
    void emptyQuotesAreAnEmptyWord() {
        assertThat(ShellWords.split("app '' \"\"")).containsExactly("app", "", "");
    }

    @Test
    void blankLineHasNoWords() {
        assertThat(ShellWords.split("   ")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh -c 'x", "echo \"x", "echo x\\"})
    void rejectsUnterminated(String line) {
        assertThatThrownBy(() -> ShellWords.split(line)).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.walship.it;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * A missing outside program a test needs: the test is skipped, except under {@code CI=true}, where a missing
 * prerequisite must not turn tests green.
 */
final class Prerequisites {
    private Prerequisites() {
    }

    static void missing(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + "; CI=true requires it");
        }
        Assumptions.abort(why);
    }
}

package io.walship.follower;

import java.io.IOException;

/**
 * Observes the apply procedure step by step; production code passes {@link #NONE}, crash tests stop the JVM and
 * fault tests throw at a step what a failing disk would (e.g. "No space left on device") to fail the next write.
 */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = step -> { };

    void reached(ApplyStep step) throws IOException;
}

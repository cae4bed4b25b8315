package io.walship.follower;

/** Observes the apply procedure step by step; production code passes {@link #NONE}, crash tests stop the JVM. */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = step -> { };

    void reached(ApplyStep step);
}

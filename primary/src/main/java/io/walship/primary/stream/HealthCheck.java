package io.walship.primary.stream;

/** What {@code /healthz} answers: 200 {@code ok}, or 503 with the reason. */
@FunctionalInterface
public interface HealthCheck {
    HealthCheck ALWAYS_OK = () -> null;

    /** Null while healthy, else why not, in one line. Called on the event loop, so it must not block. */
    String problem();
}

package io.walship.it;

/**
 * How many rounds a fault scenario runs. The defaults keep {@code ./mvnw verify} within its time budget;
 * {@code -Dwalship.chaos.scale=N} runs N times as many (docs/RELIABILITY.md shows the long run's command line).
 */
final class ChaosRounds {
    static final String SCALE_PROPERTY = "walship.chaos.scale";

    private ChaosRounds() {
    }

    static int of(int defaultRounds) {
        return defaultRounds * scale();
    }

    static int scale() {
        String text = System.getProperty(SCALE_PROPERTY, "1").strip();
        int scale;
        try {
            scale = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SCALE_PROPERTY + " must be a whole number, not " + text);
        }
        if (scale < 1) {
            throw new IllegalArgumentException("-D" + SCALE_PROPERTY + " must be at least 1, not " + scale);
        }
        return scale;
    }
}

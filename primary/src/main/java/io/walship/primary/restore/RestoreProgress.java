package io.walship.primary.restore;

import java.nio.file.Path;

/** Reports a restore's progress to the user. Called from several download threads at once. */
public interface RestoreProgress extends AutoCloseable {

    /** A restore of {@code target} into {@code out} begins; {@link RestoreTarget#compressedSize()} is the total. */
    void start(RestoreTarget target, Path out);

    /** {@code bytes} more compressed bytes were read from the replica. */
    void downloaded(long bytes);

    /** A new phase began, e.g. applying WAL index 3 or checking integrity. */
    void phase(String description);

    @Override
    void close();

    /** A progress bar when stderr is a terminal, otherwise one log line per phase. */
    static RestoreProgress forConsole() {
        return System.console() != null ? new ProgressBarRestoreProgress() : new LogRestoreProgress();
    }
}

package io.walship.primary.restore;

import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** A terminal progress bar on stderr, counting compressed bytes downloaded; the phase shows as its message. */
public final class ProgressBarRestoreProgress implements RestoreProgress {
    private volatile ProgressBar bar;

    @Override
    public void start(RestoreTarget target, Path out) {
        bar = new ProgressBarBuilder()
                .setTaskName("restore")
                .setInitialMax(target.compressedSize())
                .setUnit(target.compressedSize() >= 10L << 20 ? "MiB" : "KiB", target.compressedSize() >= 10L << 20 ? 1 << 20 : 1 << 10)
                .setUpdateIntervalMillis(250)
                .showSpeed()
                .build();
        bar.setExtraMessage("downloading");
    }

    @Override
    public void downloaded(long bytes) {
        ProgressBar b = bar;
        if (b != null) {
            b.stepBy(bytes);
        }
    }

    @Override
    public void phase(String description) {
        ProgressBar b = bar;
        if (b != null) {
            b.setExtraMessage(description);
        }
    }

    @Override
    public void close() {
        ProgressBar b = bar;
        if (b != null) {
            b.close();
        }
    }
}

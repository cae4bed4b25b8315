package io.walship.follower;

import io.walship.protocol.Pos;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A follower process for crash tests: opens the applier (which resumes a crashed apply), then applies the feed
 * from its position to the end. Optionally halts the JVM at the n-th occurrence of a step, like a crash.
 * Arguments: DB FEED_DIR STEP|- N PAUSE_MS. Prints READY after open and DONE at the end.
 */
public final class ApplierChild {
    static final int HALT_STATUS = 77;

    private ApplierChild() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        CrashFeed feed = CrashFeed.load(Path.of(args[1]));
        StepListener steps = StepListener.NONE;
        if (!"-".equals(args[2])) {
            ApplyStep haltAt = ApplyStep.valueOf(args[2]);
            int[] left = {Integer.parseInt(args[3])};
            steps = step -> {
                if (step == haltAt && --left[0] == 0) {
                    Runtime.getRuntime().halt(HALT_STATUS);
                }
            };
        }
        long pause = Long.parseLong(args[4]);
        ApplierSettings settings = ApplierSettings.defaults().withCheckpointWalBytes(96 * 1024).withSteps(steps);
        try (FollowerApplier a = FollowerApplier.open(db, settings)) {
            System.out.println("READY");
            System.out.flush();
            int applied = 0;
            while (true) {
                if (a.needsSnapshot()) {
                    Optional<ResyncReason> resync = a.resyncReason();
                    if (resync.isPresent()) {
                        // The feed's snapshot is older than any applied position, so say why instead of failing later.
                        Path journal = PositionFile.metaDirectory(db).resolve("follower.journal");
                        throw new IllegalStateException("the follower needs a snapshot again (" + resync.get()
                                + "); journal:\n" + Files.readString(journal));
                    }
                    try (InputStream in = Files.newInputStream(feed.dir.resolve("snapshot.db"))) {
                        a.applySnapshot(feed.snapshotPos, in);
                    }
                    continue;
                }
                Pos at = a.position().orElseThrow();
                Optional<CrashFeed.Range> next = feed.next(at);
                if (next.isEmpty()) {
                    break;
                }
                CrashFeed.Range r = next.get();
                a.applyWal(r.start(), r.end(), Files.readAllBytes(r.file()));
                if (++applied % 4 == 0) {
                    a.checkpoint();
                }
                if (pause > 0) {
                    Thread.sleep(pause);
                }
            }
        }
        System.out.println("DONE");
    }
}

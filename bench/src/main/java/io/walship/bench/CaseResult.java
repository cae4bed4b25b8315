package io.walship.bench;

/**
 * The figures of one run of one case.
 *
 * @param followers        followers streaming from the primary
 * @param targetRate       commits/s the writer aimed at, 0 for as fast as it can
 * @param run              1-based repetition of the case
 * @param commits          commits measured (after the warm-up)
 * @param writerRate       commits/s the writer achieved
 * @param appliedRate      commits/s the slowest follower made visible: measured commits over the time from the
 *                         first measured commit to that follower having the last one
 * @param capture          commit returned → shadow WAL has it
 * @param received         commit returned → the follower received the WAL segment ending at or after it
 * @param lag              commit returned → follower's visible position covers it (all followers' samples)
 * @param readersSee       commit returned → follower's local transaction holding it committed
 * @param caughtUp         every follower had the last commit within the catch-up timeout; if not, the figures
 *                         cover only the commits they had, and catch-up is a lower bound
 * @param catchUpMillis    last commit returned → the slowest follower has it
 * @param batchesPerSecond local transactions per second per follower
 * @param commitsPerBatch  primary commits per local transaction
 * @param steps            per step of {@link FollowerRecorder#STEPS}, its duration over all batches
 * @param checkpoints      follower checkpoints after applies
 * @param rowsChecked      every follower's row count was checked equal to the primary's
 */
record CaseResult(int followers, int targetRate, int run, int commits, double writerRate, double appliedRate,
                  LatencyStats capture, LatencyStats received, LatencyStats lag, LatencyStats readersSee, boolean caughtUp, double catchUpMillis,
                  double batchesPerSecond, double commitsPerBatch, LatencyStats[] steps, LatencyStats checkpoints,
                  boolean rowsChecked) {

    String rateLabel() {
        return targetRate == 0 ? "max" : Integer.toString(targetRate);
    }
}

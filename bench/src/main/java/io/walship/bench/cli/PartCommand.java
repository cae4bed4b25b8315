package io.walship.bench.cli;

import io.walship.bench.BenchContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** One part of the suite, runnable alone ({@code walship bench PART}) or as part of {@code walship bench}. */
abstract class PartCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    /** Runs the part with this command's options; its section of the results file is written at the end. */
    abstract void run(BenchContext ctx) throws Exception;

    @Override
    public Integer call() throws Exception {
        try (BenchContext ctx = common.open()) {
            run(ctx);
        }
        return 0;
    }
}

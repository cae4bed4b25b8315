package io.walship.primary.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code kill -HUP}: reloads instead of the JVM's default (which would run the shutdown hooks and exit). The
 * JDK's {@code sun.misc.Signal} is the only way to catch a signal without native code; it is supported API of the
 * {@code jdk.unsupported} module.
 */
final class ReloadSignal {
    private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {
    }

    /** Runs {@code reload} on the JVM's signal thread at each SIGHUP; its failures are logged, never fatal. */
    static void install(Runnable reload) {
        try {
            Signal.handle(new Signal("HUP"), sig -> {
                log.info("SIGHUP received, reloading configuration and credentials");
                try {
                    reload.run();
                } catch (RuntimeException e) {
                    log.error("reload failed, keeping the running configuration: {}", e.getMessage());
                }
            });
        } catch (IllegalArgumentException e) {
            // -Xrs, or a platform without SIGHUP
            log.warn("SIGHUP cannot be handled here ({}); reloading needs a restart", e.getMessage());
        }
    }
}

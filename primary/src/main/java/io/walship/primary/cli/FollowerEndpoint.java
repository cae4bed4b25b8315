package io.walship.primary.cli;

import io.walship.follower.StreamFollower;
import io.walship.primary.capture.CapturedDatabase;
import io.walship.primary.metrics.FollowerMonitor;
import io.walship.primary.metrics.MetricsPage;
import io.walship.primary.relay.RelayDatabase;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code follow -addr}: the follower daemon relays its databases to further followers ({@code /stream/NAME},
 * {@code /pos/NAME}, the primary's protocol and positions) and serves {@code /metrics} (every follower's meters, the
 * stream's and the JVM's) and {@code /healthz} (503 with the first follower's problem, prefixed with its database
 * when there are several), on the primary's HTTP server.
 */
final class FollowerEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FollowerEndpoint.class);

    private final MetricsPage page;
    private final List<FollowerMonitor> monitors;
    private final StreamServer server;

    private FollowerEndpoint(MetricsPage page, List<FollowerMonitor> monitors, StreamServer server) {
        this.page = page;
        this.monitors = monitors;
        this.server = server;
    }

    /** One relayed database: its follower, local path and the name its followers ask for. */
    record Relayed(StreamFollower follower, Path dbPath, String name) {
    }

    /**
     * Starts watching and relaying the followers (before they run) and serving them with {@code options} (address,
     * token, TLS: the config's {@code stream:} block).
     */
    static FollowerEndpoint start(List<Relayed> relayed, StreamServerOptions options) {
        MetricsPage page = new MetricsPage();
        List<FollowerMonitor> monitors = new ArrayList<>();
        Map<String, RelayDatabase> byName = new HashMap<>();
        for (Relayed r : relayed) {
            FollowerMonitor m = new FollowerMonitor(page.registry(), r.dbPath(), r.follower().visiblePosition().orElse(null));
            r.follower().listen(m);
            monitors.add(m);
            try {
                byName.put(r.name(), RelayDatabase.open(r.follower(), r.dbPath(),
                        CapturedDatabase.DEFAULT_STREAM_RETENTION_BYTES, m::connected));
            } catch (IOException e) {
                monitors.forEach(FollowerMonitor::close);
                page.close();
                throw new UserException(r.dbPath() + ": cannot prepare the relay's WAL store: " + Main.describe(e), e);
            }
        }
        try {
            StreamServer server = StreamServer.start(byName::get, options, page, () -> problem(monitors, relayed));
            log.info("serving /metrics and /healthz on {}:{}", options.host(), server.port());
            for (Relayed r : relayed) {
                log.info("relaying {} to followers as /stream/{}", r.dbPath(), r.name());
            }
            return new FollowerEndpoint(page, monitors, server);
        } catch (IOException e) {
            monitors.forEach(FollowerMonitor::close);
            page.close();
            throw new UserException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + Main.describe(e), e);
        }
    }

    private static String problem(List<FollowerMonitor> monitors, List<Relayed> relayed) {
        for (int i = 0; i < monitors.size(); i++) {
            String p = monitors.get(i).problem();
            if (p != null) {
                return monitors.size() == 1 ? p : relayed.get(i).dbPath() + ": " + p;
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.close();
        monitors.forEach(FollowerMonitor::close);
        page.close();
    }
}

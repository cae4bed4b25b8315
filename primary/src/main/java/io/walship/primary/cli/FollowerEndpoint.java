package io.walship.primary.cli;

import io.walship.follower.StreamFollower;
import io.walship.primary.metrics.FollowerMonitor;
import io.walship.primary.metrics.MetricsPage;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code follow -addr}: the follower daemon's {@code /metrics} (every follower's meters and the JVM's) and
 * {@code /healthz} (503 with the first follower's problem, prefixed with its database when there are several),
 * served by the primary's HTTP server in its monitoring-only mode.
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

    /** Starts watching {@code followers} (before they run) and serving; {@code dbs} are their local paths, in order. */
    static FollowerEndpoint start(ListenAddress address, List<StreamFollower> followers, List<Path> dbs) {
        MetricsPage page = new MetricsPage();
        List<FollowerMonitor> monitors = new ArrayList<>();
        for (int i = 0; i < followers.size(); i++) {
            StreamFollower f = followers.get(i);
            FollowerMonitor m = new FollowerMonitor(page.registry(), dbs.get(i), f.visiblePosition().orElse(null));
            f.listen(m);
            monitors.add(m);
        }
        try {
            StreamServer server = StreamServer.startMonitoring(
                    StreamServerOptions.defaults().withAddress(address.host(), address.port()), page,
                    () -> problem(monitors, dbs));
            log.info("serving /metrics and /healthz on {}:{}", address.host(), server.port());
            return new FollowerEndpoint(page, monitors, server);
        } catch (IOException e) {
            page.close();
            throw new UserException("cannot listen on " + address.host() + ":" + address.port() + ": "
                    + Main.describe(e), e);
        }
    }

    private static String problem(List<FollowerMonitor> monitors, List<Path> dbs) {
        for (int i = 0; i < monitors.size(); i++) {
            String p = monitors.get(i).problem();
            if (p != null) {
                return monitors.size() == 1 ? p : dbs.get(i) + ": " + p;
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

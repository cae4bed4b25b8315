package io.walship.api;

import io.walship.primary.archive.DatabaseDiscovery;
import io.walship.primary.archive.Replicator;
import io.walship.primary.config.Config;
import io.walship.primary.config.ConfigLoader;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.DirConfig;
import io.walship.primary.replica.ReplicaClients;
import io.walship.primary.stream.StreamConfig;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import io.walship.protocol.Pos;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

/**
 * A walship primary inside an application: captures databases, archives them to replicas (Litestream v0.3
 * layout) and, when asked to listen, serves followers. Stable API (semantic versioning from 1.0).
 *
 * <pre>{@code
 * try (Primary primary = Primary.builder()
 *         .database(Path.of("/data/app.db"), "s3://bucket/app.db")
 *         .listen("0.0.0.0", 7070)
 *         .start()) {
 *     ... the application writes /data/app.db ...
 *     Pos written = primary.position("app.db");   // hand this to readers for read-your-writes
 * }
 * }</pre>
 */
public final class Primary implements AutoCloseable {
    private final Replicator replicator;
    private final DatabaseDiscovery discovery;
    private final StreamServer server;

    private Primary(Replicator replicator, DatabaseDiscovery discovery, StreamServer server) {
        this.replicator = replicator;
        this.discovery = discovery;
        this.server = server;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The position just after the last transaction committed to database {@code name} (its configured name,
     * by default the file name), capturing first so every commit made before this call is included.
     */
    public Pos position(String name) throws IOException {
        var entry = replicator.entries().stream().filter(e -> e.db().config().effectiveName().equals(name))
                .findFirst().orElseThrow(() -> new NoSuchElementException("no database named '" + name + "'"));
        entry.db().sync();
        return entry.db().position();
    }

    /** The port followers connect to, or -1 when the primary does not listen. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    /** Captures and uploads everything committed so far; false if some replica could not be brought up to date. */
    public boolean sync() {
        return replicator.syncAll();
    }

    /** Final sync, then stops serving and archiving. */
    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
        }
        replicator.syncAll();
        if (server != null) {
            server.close();
        }
        replicator.close();
    }

    /** What to replicate and where to listen. */
    public static final class Builder {
        private final List<DbConfig> dbs = new ArrayList<>();
        private final List<DirConfig> dirs = new ArrayList<>();
        private String host;
        private int port = -1;
        private String token;
        private Map<String, Object> streamBlock;

        private Builder() {
        }

        /** A database and its replica URLs ({@code file:///DIR}, {@code s3://BUCKET/PATH}), with Litestream's defaults. */
        public Builder database(Path db, String... replicaUrls) {
            dbs.add(DbConfig.of(db, Arrays.stream(replicaUrls).map(ReplicaClients::fromUrl).toList()));
            return this;
        }

        /**
         * Every database of a {@code walship.yml} / {@code litestream.yml}, with its {@code stream:} block (token,
         * TLS, connection limits) for when the primary listens; databases of {@code dir} entries are picked up while
         * running, as {@code walship replicate} does.
         */
        public Builder config(Path file) {
            ConfigLoader loader = new ConfigLoader();
            Config cfg = loader.load(file, true);
            dbs.addAll(cfg.dbs());
            dirs.addAll(cfg.dirs());
            streamBlock = cfg.stream();
            return this;
        }

        /** Serve followers on {@code host:port} (port 0: any free port, see {@link Primary#port()}). */
        public Builder listen(String listenHost, int listenPort) {
            this.host = listenHost;
            this.port = listenPort;
            return this;
        }

        /** Bearer token followers must present (overrides the config's). */
        public Builder token(String bearerToken) {
            this.token = bearerToken;
            return this;
        }

        public Primary start() throws IOException {
            for (DbConfig db : dbs) {
                db.replicas().forEach(ReplicaClients::validate);
            }
            Replicator replicator = new Replicator(ReplicaClients::open);
            DatabaseDiscovery discovery = null;
            try {
                for (DbConfig db : dbs) {
                    replicator.add(db);
                }
                if (!dirs.isEmpty()) {
                    discovery = DatabaseDiscovery.start(replicator, dirs,
                            dbs.stream().map(DbConfig::path).collect(Collectors.toSet()));
                }
                StreamServerOptions options = StreamConfig.apply(streamBlock,
                        StreamServerOptions.defaults().withAddress(host, port));
                StreamServer server = host == null ? null : StreamServer.start(replicator,
                        token == null ? options : options.withToken(token));
                return new Primary(replicator, discovery, server);
            } catch (IOException | RuntimeException e) {
                if (discovery != null) {
                    discovery.close();
                }
                replicator.close();
                throw e;
            }
        }
    }
}

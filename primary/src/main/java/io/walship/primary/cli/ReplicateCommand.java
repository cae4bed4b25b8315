package io.walship.primary.cli;

import io.walship.primary.archive.DatabaseDiscovery;
import io.walship.primary.archive.Replicator;
import io.walship.primary.config.Config;
import io.walship.primary.config.ConfigPaths;
import io.walship.primary.config.DbConfig;
import io.walship.primary.config.ReplicaConfig;
import io.walship.primary.replica.ReplicaClients;
import io.walship.primary.stream.StreamConfig;
import io.walship.primary.stream.StreamServer;
import io.walship.primary.stream.StreamServerOptions;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code walship replicate [-config PATH] [DB_PATH REPLICA_URL...]}: the primary daemon. Captures each database's
 * WAL and archives it to every replica until SIGTERM/SIGINT, then does a final sync and exits 0. The databases of
 * {@code dir} entries are found by listing the directories, again every {@code scan-interval}. SIGHUP reloads the
 * config file's credentials (and backlog budgets, and dir entries) and the stream's TLS files without stopping
 * anything. With {@code -exec CMD} it runs CMD as a child: SIGTERM/SIGINT go to the child first; when the child has
 * exited (either way) comes the final sync, then walship exits with the child's status.
 */
@Command(name = "replicate", mixinStandardHelpOptions = true, description = "Capture databases' WAL and archive it to replicas (the primary daemon).")
final class ReplicateCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReplicateCommand.class);

    @Mixin
    ConfigOptions config;

    @Option(names = {"-addr", "--addr"}, paramLabel = "HOST:PORT",
            description = "Serve followers (/stream/NAME), /pos/NAME, /healthz and /metrics here (config: addr).")
    String addr;

    @Option(names = {"-exec", "--exec"}, paramLabel = "CMD",
            description = "Run CMD (split shell-style) as a child; exit with its status after a final sync (config: exec).")
    String exec;

    @Option(names = {"-tls-cert", "--tls-cert"}, paramLabel = "PEM",
            description = "Serve HTTPS with this certificate chain (config: stream.tls-cert; the TLS flags replace the config's TLS).")
    Path tlsCert;

    @Option(names = {"-tls-key", "--tls-key"}, paramLabel = "PEM",
            description = "The certificate's private key, mode 0600 (config: stream.tls-key).")
    Path tlsKey;

    @Option(names = {"-client-ca", "--client-ca"}, paramLabel = "PEM",
            description = "Require client certificates signed by these CAs: mutual TLS (config: stream.client-ca).")
    Path clientCa;

    @Parameters(paramLabel = "DB_PATH REPLICA_URL", arity = "0..*",
            description = "Without a config file: the database, then one or more replica URLs (file:///DIR, s3://BUCKET/PATH).")
    List<String> args = new ArrayList<>();

    @Override
    public void run() {
        Config cfg = args.isEmpty() ? config.load() : null;
        List<DbConfig> dbs = databases(cfg);
        String listen = addr != null ? addr : cfg != null ? cfg.addr() : null;
        ListenAddress address = listen != null && !listen.isEmpty() ? ListenAddress.parse(listen) : null;
        if (address == null && (tlsCert != null || tlsKey != null || clientCa != null)) {
            throw UserException.usage("-tls-cert, -tls-key and -client-ca need -addr (or addr in the config)");
        }
        StreamServerOptions streamOptions = address == null ? null : streamOptions(address, cfg);
        for (DbConfig db : dbs) {
            db.replicas().forEach(ReplicaClients::validate);
        }
        Replicator replicator = new Replicator(ReplicaClients::open);
        for (DbConfig db : dbs) {
            try {
                replicator.add(db);
            } catch (NoSuchFileException e) {
                throw new UserException(db.path() + ": database file does not exist", e);
            } catch (IOException e) {
                throw new UserException(Main.describe(e), e);
            }
            log.info("replicating {} to {}", db.path(), String.join(", ",
                    db.replicas().stream().map(ReplicaClients::displayName).toList()));
        }
        DatabaseDiscovery discovery = cfg == null ? null : discover(replicator, cfg);
        String execLine = exec != null ? exec : cfg != null ? cfg.exec() : null;
        ExecChild child = execLine != null && !execLine.isEmpty() ? ExecChild.parse(execLine) : null;
        StreamServer server = address == null ? null : startServer(replicator, streamOptions);
        ReloadSignal.install(() -> reload(replicator, discovery, server, dbs));
        // Registered only once running: a failed start must exit 1 without a shutdown log.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("signal received, walship shutting down");
            shutdown(replicator, discovery, server, child == null ? null : child.stop());
        }, "walship-shutdown"));
        if (child == null) {
            awaitShutdown();
            return;
        }
        try {
            if (!child.start()) {
                awaitShutdown();
                return;
            }
        } catch (UserException e) {
            log.error("{}", e.getMessage());
            shutdown(replicator, discovery, server, 1);
        }
        shutdown(replicator, discovery, server, child.waitFor());
    }

    /**
     * Final sync, stop, and exit: with the child's status when there is a child (1 if it succeeded but the sync
     * failed), else 0 after a good sync. Runs once; the loser of a race (signal versus child exit) blocks until
     * the JVM halts.
     */
    private synchronized void shutdown(Replicator replicator, DatabaseDiscovery discovery, StreamServer server,
                                       Integer childStatus) {
        if (discovery != null) {
            discovery.close();
        }
        boolean synced = replicator.syncAll();
        if (server != null) {
            server.close();
        }
        // SQLite connections stay open: closing the last one would checkpoint and delete the WAL,
        // forcing a new generation at the next start. The process exit releases them without that.
        replicator.stop();
        log.info("walship shut down");
        int status = childStatus != null && childStatus != 0 ? childStatus : synced ? 0 : 1;
        // A JVM ended by a signal exits 128+signal (143); the contract is the status above.
        Runtime.getRuntime().halt(status);
    }

    /** Parks the main thread; the shutdown hook ends the process. */
    private static void awaitShutdown() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGHUP: re-reads the config file (or, without one, just the credentials the environment points at) and
     * applies what {@link Replicator#reload} can change under running replicas. {@code dir} entries are scanned
     * again at once: new matches start, databases no longer covered stop. Then the stream's TLS files are re-read.
     * A broken file changes nothing.
     */
    private void reload(Replicator replicator, DatabaseDiscovery discovery, StreamServer server,
                        List<DbConfig> started) {
        List<DbConfig> next = started;
        if (args.isEmpty()) {
            Config cfg;
            try {
                cfg = config.load();
                next = new ArrayList<>(databases(cfg));
            } catch (RuntimeException e) {
                log.error("reload: {}; keeping the running configuration", e.getMessage());
                return;
            }
            discovery.update(cfg.dirs(), explicitPaths(cfg));
            for (Path found : discovery.started()) {
                cfg.db(found).ifPresent(next::add);
            }
        }
        replicator.reload(next, System.getenv());
        if (server != null) {
            try {
                server.reloadTls();
            } catch (IOException e) {
                log.error("reload: stream TLS: {}; keeping the current certificate", e.getMessage());
            }
        }
        log.info("reload done");
    }

    /** Starts capturing the databases of the {@code dir} entries, and watching them for new ones. */
    private static DatabaseDiscovery discover(Replicator replicator, Config cfg) {
        try {
            return DatabaseDiscovery.start(replicator, cfg.dirs(), explicitPaths(cfg));
        } catch (NotDirectoryException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    private static Set<Path> explicitPaths(Config cfg) {
        return cfg.dbs().stream().map(DbConfig::path).collect(Collectors.toSet());
    }

    /** The config's {@code stream:} block, then the TLS flags, which replace the block's TLS when given. */
    private StreamServerOptions streamOptions(ListenAddress address, Config cfg) {
        StreamServerOptions options = StreamConfig.apply(cfg == null ? null : cfg.stream(),
                StreamServerOptions.defaults().withAddress(address.host(), address.port()));
        if (tlsCert != null || tlsKey != null || clientCa != null) {
            options = StreamConfig.withTls(options.withTls(null), abs(tlsCert), abs(tlsKey), abs(clientCa), "-");
        }
        return options;
    }

    private static StreamServer startServer(Replicator replicator, StreamServerOptions options) {
        try {
            StreamServer server = StreamServer.start(replicator, options);
            log.info("serving followers on {}:{} ({}, {})", options.host(), server.port(), server.transportName(),
                    server.security());
            return server;
        } catch (IOException e) {
            throw new UserException(Main.describe(e), e);
        }
    }

    private static Path abs(Path p) {
        return p == null ? null : p.toAbsolutePath();
    }

    private List<DbConfig> databases(Config cfg) {
        if (!args.isEmpty()) {
            if (config.given()) {
                throw UserException.usage("cannot specify a replica URL and the -config flag");
            }
            if (args.size() < 2 && addr == null) {
                throw UserException.usage("must specify at least one replica URL for " + args.get(0)
                        + " (or -addr to only serve followers)");
            }
            List<ReplicaConfig> replicas = args.subList(1, args.size()).stream().map(ReplicaClients::fromUrl).toList();
            return List.of(DbConfig.of(ConfigPaths.expand(args.get(0)), replicas));
        }
        if (cfg.dbs().isEmpty() && cfg.dirs().isEmpty()) {
            throw UserException.usage("no databases specified in configuration");
        }
        return cfg.dbs();
    }
}

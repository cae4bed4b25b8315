package io.walship.primary.cli;

import io.walship.primary.config.Config;
import io.walship.primary.config.ConfigLoader;
import picocli.CommandLine.Option;

/** The {@code -config PATH} and {@code -no-expand-env} flags shared by commands that read the config file. */
final class ConfigOptions {
    @Option(names = {"-config", "--config"}, paramLabel = "PATH",
            description = "Configuration file (default: $WALSHIP_CONFIG, else /etc/walship.yml, else /etc/litestream.yml).")
    String path;

    @Option(names = {"-no-expand-env", "--no-expand-env"}, arity = "0..1", paramLabel = "BOOL",
            description = "Do not expand $VAR / $${VAR} in the configuration file.")
    boolean noExpandEnv;

    boolean given() {
        return path != null && !path.isEmpty();
    }

    Config load() {
        ConfigLoader loader = new ConfigLoader();
        return loader.load(loader.resolvePath(path), !noExpandEnv);
    }
}

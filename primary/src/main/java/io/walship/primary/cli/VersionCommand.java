package io.walship.primary.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code walship version}: prints the version. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
final class VersionCommand implements Runnable {

    static String version() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return "v" + (v != null ? v : "0.1.0-dev");
    }

    @Override
    public void run() {
        System.out.println(version());
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {version()};
        }
    }
}

package io.walship.it;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The flags {@code bin/walship COMMAND --help} lists, to hold scripts and compose files to the real CLI. */
final class WalshipCli {
    /** A flag name in the help's option column: {@code -config, --config=PATH} gives -config and --config. */
    private static final Pattern FLAG = Pattern.compile("(?<![\\w=\\[-])--?[A-Za-z][\\w-]*");
    private static final Map<String, Set<String>> CACHE = new ConcurrentHashMap<>();

    private WalshipCli() {
    }

    /** The flags of {@code command}; fails if walship has no such command. */
    static Set<String> flags(String command) {
        return CACHE.computeIfAbsent(command, WalshipCli::read);
    }

    private static Set<String> read(String command) {
        ProcessResult help = WalshipProcess.run(command, "--help").assertSuccess();
        Set<String> flags = new HashSet<>();
        for (String line : help.stdout().lines().toList()) {
            String s = line.strip();
            if (s.startsWith("-")) {
                // The option column ends where the description starts, after two or more spaces.
                Matcher m = FLAG.matcher(s.split("\\s{2,}", 2)[0]);
                while (m.find()) {
                    flags.add(m.group());
                }
            }
        }
        return flags;
    }
}

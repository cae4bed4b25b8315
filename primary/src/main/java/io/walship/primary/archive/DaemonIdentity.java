package io.walship.primary.archive;

import io.walship.protocol.Generation;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who a running walship daemon is, as written into the replicas it owns: a random id for this run, the host name and
 * the process id (so a restart on the same host can tell a dead previous owner from a live one).
 */
public record DaemonIdentity(String id, String host, long pid) {

    public static DaemonIdentity current() {
        return new DaemonIdentity(Generation.random(), hostName(), ProcessHandle.current().pid());
    }

    /** True if this host's process {@code pid} exists now. */
    static boolean processAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String hostName() {
        try {
            // The kernel's name, without a DNS lookup that may hang on a host with broken resolution.
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException ex) {
                return "unknown";
            }
        }
    }
}

package io.walship.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code docker/entrypoint.sh} started as the image starts it, without Docker: the container's environment
 * ({@code WALSHIP_CONFIG}, whatever the config's $VARs name) and the container's command as its arguments.
 */
final class ContainerEntrypoint {
    private ContainerEntrypoint() {
    }

    static RunningProcess start(Map<String, String> env, List<String> command) {
        WalshipProcess.launcher();
        List<String> cmd = new ArrayList<>();
        cmd.add(RepoRoot.get().resolve("docker/entrypoint.sh").toString());
        cmd.addAll(command);
        return RunningProcess.start(cmd, WalshipProcess.withJavaOpts(env), null);
    }
}

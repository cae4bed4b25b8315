package io.walship.it;

import java.util.List;

/** A finished process: exit status and everything it printed. */
record ProcessResult(String command, int exitCode, String stdout, String stderr) {

    List<String> stderrLines() {
        return stderr.lines().filter(l -> !l.isBlank()).toList();
    }

    /** Fails with the full output unless the process exited 0. */
    ProcessResult assertSuccess() {
        if (exitCode != 0) {
            throw new AssertionError(this.describe());
        }
        return this;
    }

    String describe() {
        return command + " exited " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}

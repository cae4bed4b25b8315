package io.walship.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Refuses a private key file that anyone but its owner may read, as ssh does: a key others can read is as good as
 * published. Only on file systems with POSIX permissions; elsewhere (Windows) the check is skipped.
 */
public final class KeyFilePermissions {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private KeyFilePermissions() {
    }

    /** @throws IOException naming the file, its mode and the fix, when group or others have any access */
    public static void requireOwnerOnly(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> perms;
        try {
            perms = view.readAttributes().permissions();
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such key file", e);
        }
        if (perms.stream().anyMatch(OTHERS::contains)) {
            throw new IOException(file + ": private key file is accessible by group or others ("
                    + PosixFilePermissions.toString(perms) + "); restrict it to its owner: chmod 600 " + file);
        }
    }
}

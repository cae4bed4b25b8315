package io.walship.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Private key files are read only when their owner alone may touch them; the refusal names the file and the fix. */
class KeyFilePermissionsTest {
    @TempDir
    Path dir;
    Path key;
    PrivateKey original;

    @BeforeEach
    void writeKey() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        original = gen.generateKeyPair().getPrivate();
        key = dir.resolve("stream.key");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(original.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    @Test
    void aKeyOnlyItsOwnerCanReadIsRead() throws Exception {
        for (String mode : List.of("rw-------", "r--------")) {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));
            assertThat(PemFiles.privateKey(key).getEncoded()).as(mode).isEqualTo(original.getEncoded());
        }
    }

    @Test
    void aKeyGroupOrOthersCanReachIsRefusedWithTheFix() throws Exception {
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rw------x")) {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> PemFiles.privateKey(key)).as(mode)
                    .hasMessage(key + ": private key file is accessible by group or others (" + mode
                            + "); restrict it to its owner: chmod 600 " + key);
        }
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path missing = dir.resolve("nope.key");
        assertThatThrownBy(() -> PemFiles.privateKey(missing)).hasMessage(missing + ": no such key file");
    }
}

package io.walship.primary.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.walship.primary.config.AgeConfig;
import io.walship.protocol.ReplicaLayout;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** age at rest over a real directory replica: what is stored, what reads back, and every way a read can fail. */
class AgeReplicaClientTest {
    private static final String GEN = "0123456789abcdef";

    @TempDir
    Path dir;
    Path root;
    String identity;
    String recipient;

    @BeforeEach
    void keys() throws Exception {
        root = dir.resolve("replica");
        KeyPair kp = new X25519KeyPairGenerator().generateKeyPair();
        identity = kp.getPrivate().toString();
        recipient = kp.getPublic().toString();
    }

    private ReplicaClient client(List<String> identities, List<String> recipients) {
        AgeKeys keys = identities.isEmpty() && recipients.isEmpty() ? AgeKeys.NONE
                : AgeKeys.parse(new AgeConfig(identities, recipients));
        return new AgeReplicaClient(new FileReplicaClient(root), new AgeCipher(keys));
    }

    private static byte[] bytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readAll(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }

    private Path stored(String relative) {
        return root.resolve(relative);
    }

    @Test
    void objectsAreStoredAsAgeAndReadBackPlain() throws Exception {
        byte[] snapshot = bytes(300_001, 1);
        byte[] segment = bytes(4_152, 2);
        try (ReplicaClient c = client(List.of(identity), List.of(recipient))) {
            c.writeSnapshot(GEN, 0, out -> {
                out.write(snapshot, 0, 100_000);
                out.write(snapshot, 100_000, snapshot.length - 100_000);
            });
            c.writeWalSegment(GEN, 0, 0, segment);

            byte[] rawSnapshot = Files.readAllBytes(stored(ReplicaLayout.snapshotPath(GEN, 0)));
            assertThat(new String(rawSnapshot, 0, 22, StandardCharsets.US_ASCII)).isEqualTo("age-encryption.org/v1\n");
            assertThat(indexOf(rawSnapshot, Arrays.copyOfRange(snapshot, 1000, 1032))).isNegative();
            assertThat(c.snapshots(GEN).get(0).size()).isEqualTo(rawSnapshot.length).isGreaterThan(snapshot.length);

            assertThat(readAll(c.openSnapshot(GEN, 0))).isEqualTo(snapshot);
            assertThat(readAll(c.openWalSegment(GEN, 0, 0))).isEqualTo(segment);
        }
    }

    @Test
    void withoutRecipientsObjectsStayPlainAndPlainObjectsReadWithIdentities() throws Exception {
        byte[] segment = bytes(999, 3);
        try (ReplicaClient c = client(List.of(identity), List.of())) {
            c.writeWalSegment(GEN, 0, 0, segment);
            assertThat(Files.readAllBytes(stored(ReplicaLayout.walSegmentPath(GEN, 0, 0)))).isEqualTo(segment);
            assertThat(readAll(c.openWalSegment(GEN, 0, 0))).isEqualTo(segment);
        }
        try (ReplicaClient plain = client(List.of(), List.of())) {
            assertThat(readAll(plain.openWalSegment(GEN, 0, 0))).isEqualTo(segment);
        }
    }

    @Test
    void readingNeedsAMatchingIdentity() throws Exception {
        try (ReplicaClient c = client(List.of(), List.of(recipient))) {
            c.writeWalSegment(GEN, 1, 0, bytes(100, 4));
            assertThatThrownBy(() -> c.openWalSegment(GEN, 1, 0))
                    .isInstanceOf(AgeIdentityRequiredException.class)
                    .hasMessage("file://" + root + "/" + ReplicaLayout.walSegmentPath(GEN, 1, 0)
                            + ": replica is age-encrypted; no age identity configured"
                            + " (age.recipients only encrypt; reading needs age.identities)");
        }
        try (ReplicaClient none = client(List.of(), List.of())) {
            assertThatThrownBy(() -> none.openWalSegment(GEN, 1, 0))
                    .isNotInstanceOf(AgeIdentityRequiredException.class)
                    .hasMessageEndingWith(": replica is age-encrypted; no age identity configured"
                            + " (give the replica an age: block with identities)");
        }
        String other = new X25519KeyPairGenerator().generateKeyPair().getPrivate().toString();
        try (ReplicaClient wrong = client(List.of(other), List.of(recipient))) {
            assertThatThrownBy(() -> wrong.openWalSegment(GEN, 1, 0))
                    .hasMessageContaining(ReplicaLayout.walSegmentPath(GEN, 1, 0)
                            + ": replica is age-encrypted; no matching identity")
                    .hasMessageNotContaining(other).hasMessageNotContaining(identity);
        }
        // Any one of several identities will do.
        try (ReplicaClient both = client(List.of(other, identity), List.of())) {
            assertThat(readAll(both.openWalSegment(GEN, 1, 0))).isEqualTo(bytes(100, 4));
        }
    }

    @Test
    void damagedOrCutCiphertextIsAnErrorNotData() throws Exception {
        byte[] snapshot = bytes(200_000, 5);
        Path file = stored(ReplicaLayout.snapshotPath(GEN, 2));
        try (ReplicaClient c = client(List.of(identity), List.of(recipient))) {
            c.writeSnapshot(GEN, 2, out -> out.write(snapshot));
            byte[] good = Files.readAllBytes(file);

            byte[] flipped = good.clone();
            flipped[flipped.length - 100] ^= 1;
            Files.write(file, flipped);
            assertThatThrownBy(() -> readAll(c.openSnapshot(GEN, 2)))
                    .hasMessageContaining(ReplicaLayout.snapshotPath(GEN, 2) + ": age ciphertext corrupted or truncated");

            // Cut exactly after the second of four 64 KiB chunks: age marks the last chunk, so this is still caught.
            int header = good.length - (snapshot.length + 16 + 4 * 16);
            Files.write(file, Arrays.copyOf(good, header + 16 + 2 * (65536 + 16)));
            assertThatThrownBy(() -> readAll(c.openSnapshot(GEN, 2)))
                    .hasMessageContaining("age ciphertext corrupted or truncated");

            byte[] badHeader = good.clone();
            badHeader[header - 5] ^= 1; // inside the header's MAC line
            Files.write(file, badHeader);
            assertThatThrownBy(() -> c.openSnapshot(GEN, 2)).hasMessageContaining(": corrupted age header");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

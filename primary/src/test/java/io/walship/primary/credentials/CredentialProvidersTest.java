package io.walship.primary.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Shared credentials files and credential processes: each notices new credentials without a restart. */
class CredentialProvidersTest {
    @TempDir
    Path dir;

    private Path credentialsFile(String key, String secret) throws Exception {
        Path f = dir.resolve("credentials");
        FileTime before = Files.exists(f) ? Files.getLastModifiedTime(f) : null;
        Files.writeString(f, "[default]\naws_access_key_id = " + key + "\naws_secret_access_key = " + secret
                + "\n\n[device]\naws_access_key_id = DEVICE" + key + "\naws_secret_access_key = " + secret + "\n");
        if (before != null) {
            // A rewrite within the file system's timestamp granularity must still count as a change.
            Files.setLastModifiedTime(f, FileTime.from(before.toInstant().plusSeconds(2)));
        }
        return f;
    }

    /** A script printing the keys found in a file the test rewrites, with an optional Expiration. */
    private Path process(String expiration) throws Exception {
        Path script = dir.resolve("creds.sh");
        Files.writeString(script, "#!/bin/sh\nread KEY SECRET < \"" + dir.resolve("current") + "\"\n"
                + "printf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"" + expiration + "}' \"$KEY\" \"$SECRET\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private void processHandsOut(String key, String secret) throws Exception {
        Files.writeString(dir.resolve("current"), key + " " + secret + "\n");
    }

    @Test
    void aCredentialsFileIsReadAgainWhenItChanges() throws Exception {
        Path f = credentialsFile("AKIAFIRST", "secret-1");
        AwsCredentialsProvider p = CredentialProviders.create(new CredentialSettings(null, null, null, f, null, null));
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("AKIAFIRST");
        credentialsFile("AKIASECOND", "secret-2");
        // The SDK looks at the file's modification time at most once a second.
        await().atMost(Duration.ofSeconds(10)).until(() -> p.resolveCredentials().accessKeyId().equals("AKIASECOND"));
        assertThat(p.resolveCredentials().secretAccessKey()).isEqualTo("secret-2");
    }

    @Test
    void aProfileOfTheCredentialsFileIsSelected() throws Exception {
        Path f = credentialsFile("AKIAFIRST", "secret-1");
        AwsCredentialsProvider p = CredentialProviders.create(new CredentialSettings(null, null, "device", f, null, null));
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("DEVICEAKIAFIRST");
    }

    @Test
    void aCredentialProcessRunsAgainBeforeItsCredentialsExpire() throws Exception {
        processHandsOut("AKIAFIRST", "secret-1");
        // Credentials that expire within the SDK's refresh threshold are fetched again at every request.
        Path script = process(",\"Expiration\":\"" + Instant.now().plusSeconds(5) + "\"");
        AwsCredentialsProvider p = CredentialProviders.create(
                new CredentialSettings(null, null, null, null, script.toString(), null));
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("AKIAFIRST");
        processHandsOut("AKIASECOND", "secret-2");
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("AKIASECOND");
    }

    @Test
    void aCredentialProcessWithoutExpiryRunsAgainOnceTheCredentialsAreRejected() throws Exception {
        processHandsOut("AKIAFIRST", "secret-1");
        Path script = process("");
        try (ReloadableCredentialsProvider p = new ReloadableCredentialsProvider("test",
                new CredentialSettings(null, null, null, null, script + " --flag 'quoted arg'", null))) {
            assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("AKIAFIRST");
            processHandsOut("AKIASECOND", "secret-2");
            assertThat(p.resolveCredentials().accessKeyId()).as("cached: the output named no expiry").isEqualTo("AKIAFIRST");
            p.invalidate("S3 answered InvalidAccessKeyId");
            assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("AKIASECOND");
            assertThat(p.expiration()).isNull();
        }
    }

    @Test
    void aProfileWithCredentialProcessInTheFileWorks() throws Exception {
        processHandsOut("AKIAFROMPROFILE", "secret-p");
        Path f = dir.resolve("config-credentials");
        Files.writeString(f, "[default]\ncredential_process = " + process("") + "\n");
        AwsCredentialsProvider p = CredentialProviders.create(new CredentialSettings(null, null, null, f, null, null));
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("AKIAFROMPROFILE");
    }

    @Test
    void aFailingProcessIsAClearError() throws Exception {
        try (ReloadableCredentialsProvider p = new ReloadableCredentialsProvider("test",
                new CredentialSettings(null, null, null, null, "echo token service unreachable >&2; exit 3", null))) {
            assertThatThrownBy(p::resolveCredentials).hasCauseInstanceOf(CredentialsUnavailableException.class)
                    .hasMessageContaining("credential-process").hasMessageContaining("exit value (3)")
                    .hasMessageContaining("token service unreachable");
        }
    }

    @Test
    void reloadSwitchesTheSourceAndTracksExpiry() throws Exception {
        Path f = credentialsFile("AKIAFIRST", "secret-1");
        try (ReloadableCredentialsProvider p = new ReloadableCredentialsProvider("test", CredentialSettings.ofStatic("AKIASTATIC", "s"))) {
            assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("AKIASTATIC");
            p.reload(new CredentialSettings(null, null, null, f, null, null));
            assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("AKIAFIRST");
            assertThat(p.settings().sourceName()).isEqualTo("profile");
        }
    }

    @Test
    void aReloadToASourceThatCannotBeSetUpKeepsTheWorkingOne() throws Exception {
        IotSettings missing = new IotSettings("127.0.0.1:1", "alias", null, dir.resolve("cert.pem"),
                dir.resolve("key.pem").toString(), null);
        try (ReloadableCredentialsProvider p = new ReloadableCredentialsProvider("test", CredentialSettings.ofStatic("AKIASTATIC", "s"))) {
            p.reload(new CredentialSettings(null, null, null, null, null, missing));
            assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("AKIASTATIC");
            assertThat(p.settings().isStatic()).isTrue();
        }
    }

    @Test
    void aBrokenSourceIsReportedAtEachRequestUntilFixed() throws Exception {
        IotSettings missing = new IotSettings("127.0.0.1:1", "alias", null, dir.resolve("cert.pem"),
                dir.resolve("key.pem").toString(), null);
        try (ReloadableCredentialsProvider p = new ReloadableCredentialsProvider("test",
                new CredentialSettings(null, null, null, null, null, missing))) {
            assertThatThrownBy(p::resolveCredentials).hasMessageContaining("cannot set up credentials from iot")
                    .hasMessageContaining("cert.pem");
        }
    }

    @Test
    void keyIdsAreAbbreviatedInLogs() {
        assertThat(ReloadableCredentialsProvider.abbreviate("AKIAIOSFODNN7EXAMPLE")).isEqualTo("…MPLE");
        assertThat(ReloadableCredentialsProvider.abbreviate("short")).isEqualTo("…");
    }
}

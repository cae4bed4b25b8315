package io.walship.primary.credentials;

import java.io.IOException;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProcessCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSupplier;

/**
 * Builds the SDK provider for a {@link CredentialSettings}. Every provider here notices changes by itself: shared
 * files are re-read when their modification time changes, a credential process runs again before its credentials
 * expire, IoT credentials are refreshed ahead of expiry; {@link ReloadableCredentialsProvider} rebuilds them when
 * S3 rejects what they gave.
 */
public final class CredentialProviders {
    private CredentialProviders() {
    }

    public static AwsCredentialsProvider create(CredentialSettings s) throws IOException {
        if (s.isStatic()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey()));
        }
        if (s.iot() != null) {
            return new IotCredentialsProvider(s.iot());
        }
        if (s.credentialProcess() != null && !s.credentialProcess().isBlank()) {
            // sh -c, so the command may carry arguments and quotes as in an AWS config file.
            return ProcessCredentialsProvider.builder()
                    .command(List.of("/bin/sh", "-c", s.credentialProcess()))
                    .asyncCredentialUpdateEnabled(false)
                    .build();
        }
        ProfileFileSupplier files = s.credentialsFile() != null
                ? ProfileFileSupplier.reloadWhenModified(s.credentialsFile(), ProfileFile.Type.CREDENTIALS)
                : ProfileFileSupplier.defaultSupplier();
        if (s.profile() != null && !s.profile().isBlank() || s.credentialsFile() != null) {
            ProfileCredentialsProvider.Builder b = ProfileCredentialsProvider.builder().profileFile(files);
            if (s.profile() != null && !s.profile().isBlank()) {
                b.profileName(s.profile());
            }
            return b.build();
        }
        return DefaultCredentialsProvider.builder().profileFile(files).build();
    }
}

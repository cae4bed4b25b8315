package io.walship.primary.credentials;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one S3 replica gets its credentials. At most one source is configured; with none the AWS default chain
 * applies (environment, system properties, web identity, shared files, container, instance profile).
 *
 * @param accessKeyId       static key id (Litestream's {@code access-key-id}), or null
 * @param secretAccessKey   static secret, or null
 * @param profile           a profile of the shared credentials/config files, or null (then {@code AWS_PROFILE} or
 *                          {@code default} when a file is named)
 * @param credentialsFile   a shared credentials file re-read whenever it changes, or null for the default files
 * @param credentialProcess a command printing credentials as JSON ({@code credential_process}), run by {@code sh -c}
 * @param iot               the AWS IoT credential provider, or null
 */
public record CredentialSettings(String accessKeyId, String secretAccessKey, String profile, Path credentialsFile,
                                 String credentialProcess, IotSettings iot) {

    public static final CredentialSettings DEFAULT_CHAIN = new CredentialSettings(null, null, null, null, null, null);

    public static CredentialSettings ofStatic(String accessKeyId, String secretAccessKey) {
        return new CredentialSettings(accessKeyId, secretAccessKey, null, null, null, null);
    }

    public boolean isStatic() {
        return hasText(accessKeyId) && hasText(secretAccessKey);
    }

    /** The sources configured, by their config key, for "choose one" errors. */
    public List<String> configuredSources() {
        List<String> out = new ArrayList<>();
        if (hasText(accessKeyId) || hasText(secretAccessKey)) {
            out.add("access-key-id");
        }
        if (hasText(profile) || credentialsFile != null) {
            out.add(credentialsFile != null ? "credentials-file" : "profile");
        }
        if (hasText(credentialProcess)) {
            out.add("credential-process");
        }
        if (iot != null) {
            out.add("iot");
        }
        return out;
    }

    /** The kind of source, for logs and metrics (never a secret). */
    public String sourceName() {
        if (isStatic()) {
            return "static";
        }
        if (iot != null) {
            return "iot";
        }
        if (hasText(credentialProcess)) {
            return "credential-process";
        }
        if (hasText(profile) || credentialsFile != null) {
            return "profile";
        }
        return "default-chain";
    }

    @Override
    public String toString() {
        // Never print the secret.
        return "CredentialSettings[" + sourceName() + "]";
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}

package io.walship.primary.credentials;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The one provider an S3 client is built with: it delegates to the provider of the current
 * {@link CredentialSettings} and can swap it under a running client, so a SIGHUP or a rejected request takes
 * effect on the next request without rebuilding the client. It also remembers when the credentials in use expire
 * and logs each change of credentials (key id abbreviated, never the secret).
 */
public final class ReloadableCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReloadableCredentialsProvider.class);

    private final String owner;
    private final Clock clock;
    private CredentialSettings settings;
    private AwsCredentialsProvider delegate;
    private String buildError;
    private volatile Instant expiration;
    private volatile String keyId;

    /** @param owner what the credentials are for, in log lines (e.g. the replica) */
    public ReloadableCredentialsProvider(String owner, CredentialSettings settings) {
        this.owner = owner;
        this.clock = Clock.systemUTC();
        this.settings = settings;
        rebuild();
    }

    @Override
    public AwsCredentials resolveCredentials() {
        AwsCredentialsProvider d;
        synchronized (this) {
            if (delegate == null) {
                rebuild(); // a broken file (certificate, key) may have been fixed since
            }
            d = delegate;
            if (d == null) {
                throw unavailable(new CredentialsUnavailableException(buildError, null));
            }
        }
        AwsCredentials c;
        try {
            c = d.resolveCredentials();
        } catch (SdkException e) {
            throw e; // the SDK's own chain: S3Failures knows its messages
        } catch (CredentialsUnavailableException e) {
            throw unavailable(e);
        } catch (RuntimeException e) {
            // The SDK's messages stop at "Failed to refresh ..."; the reason is in the causes.
            throw unavailable(new CredentialsUnavailableException("cannot obtain credentials from "
                    + settings.sourceName() + ": " + causes(e), e));
        }
        noteCredentials(c);
        return c;
    }

    /** The SDK only turns its own exception type into a failed request; others would escape the client raw. */
    private static SdkClientException unavailable(CredentialsUnavailableException e) {
        return SdkClientException.create(e.getMessage(), e);
    }

    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().lines().findFirst().orElse("");
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return sb.toString();
    }

    /**
     * S3 rejected the credentials: re-read or re-fetch them at the next request. An IoT provider keeps its cache
     * and backoff (the same device would only be refused again sooner); the others are rebuilt, which makes a
     * credential process run again even when its output named no expiry.
     */
    public synchronized void invalidate(String why) {
        if (settings.isStatic()) {
            return; // nothing to read again: a SIGHUP brings new static keys
        }
        if (delegate instanceof IotCredentialsProvider iot) {
            iot.invalidate();
        } else {
            rebuild();
        }
        log.info("{}: credentials from {} invalidated ({}); resolving again at the next request", owner,
                settings.sourceName(), why);
    }

    /**
     * SIGHUP: switch to new settings, or rebuild the current ones (re-reading files, certificates, processes). If
     * the new source cannot be set up (a missing file, a refused PIN) the current one stays in use: a typo in a
     * reload must not stop uploads that were working.
     */
    public synchronized void reload(CredentialSettings next) {
        if (delegate == null) {
            settings = next;
            rebuild();
            return;
        }
        AwsCredentialsProvider built = build(next);
        if (built == null) {
            log.error("{}: keeping the credentials from {} in use", owner, settings.sourceName());
            return;
        }
        closeDelegate();
        settings = next;
        delegate = built;
    }

    public synchronized CredentialSettings settings() {
        return settings;
    }

    /** Expiry of the credentials last handed out, or null if they do not expire or none were resolved yet. */
    public Instant expiration() {
        return expiration;
    }

    private void rebuild() {
        closeDelegate();
        delegate = build(settings);
    }

    /** A provider for {@code from}, or null (with the reason logged and kept for requests) if it cannot be set up. */
    private AwsCredentialsProvider build(CredentialSettings from) {
        try {
            AwsCredentialsProvider p = CredentialProviders.create(from);
            buildError = null;
            return p;
        } catch (IOException | RuntimeException e) {
            buildError = "cannot set up credentials from " + from.sourceName() + ": " + e.getMessage();
            log.error("{}: {}", owner, buildError);
            return null;
        }
    }

    /**
     * Logs each change of credentials; the first non-expiring ones only at debug level, so one-shot commands
     * (restore, listings) with static keys print nothing extra.
     */
    private void noteCredentials(AwsCredentials c) {
        Instant exp = c.expirationTime().orElse(null);
        if (Objects.equals(exp, expiration) && Objects.equals(c.accessKeyId(), keyId)) {
            return;
        }
        boolean first = keyId == null;
        expiration = exp;
        keyId = c.accessKeyId();
        if (exp != null) {
            log.info("{}: using credentials from {} (key {}), expire at {} (in {} s)", owner, settings.sourceName(),
                    abbreviate(c.accessKeyId()), exp, Duration.between(clock.instant(), exp).toSeconds());
        } else if (first) {
            log.debug("{}: using credentials from {} (key {}), no expiry", owner, settings.sourceName(),
                    abbreviate(c.accessKeyId()));
        } else {
            log.info("{}: using credentials from {} (key {}), no expiry", owner, settings.sourceName(),
                    abbreviate(c.accessKeyId()));
        }
    }

    /** Key ids are not secret, but their last four characters are enough to tell two apart in a log. */
    static String abbreviate(String keyId) {
        if (keyId == null || keyId.length() <= 8) {
            return "…";
        }
        return "…" + keyId.substring(keyId.length() - 4);
    }

    private void closeDelegate() {
        if (delegate instanceof SdkAutoCloseable c) {
            c.close();
        }
        delegate = null;
    }

    @Override
    public synchronized void close() {
        closeDelegate();
    }
}

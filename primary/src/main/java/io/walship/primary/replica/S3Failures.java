package io.walship.primary.replica;

import io.walship.primary.credentials.CredentialsUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns AWS SDK exceptions into one-line {@link IOException}s an operator can act on: which replica, what was
 * being done, and the cause in plain words. SDK messages are multi-line and full of request ids, so only the
 * error code and the first line of the service's message are kept; the SDK exception stays as the cause.
 */
final class S3Failures {
    private static final Set<String> ACCESS_CODES = Set.of("AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AllAccessDisabled");

    private S3Failures() {
    }

    /**
     * @param action what was being done, e.g. {@code "listing generations/"}
     */
    static IOException translate(S3Settings settings, String action, SdkException e) {
        return new IOException(settings + ": " + reason(settings, action, e), e);
    }

    static String reason(S3Settings settings, String action, SdkException e) {
        if (e instanceof AwsServiceException se) {
            return serviceReason(settings, action, se);
        }
        String endpoint = settings.endpoint() != null ? settings.endpoint().toString() : "AWS S3";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CredentialsUnavailableException) {
                return "no usable credentials while " + action + ": " + firstLine(t.getMessage());
            }
            if (t instanceof ConnectException) {
                return "cannot reach endpoint " + endpoint + " while " + action + " (connection refused)";
            }
            if (t instanceof UnknownHostException) {
                return "cannot reach endpoint " + endpoint + " while " + action + " (unknown host " + t.getMessage() + ")";
            }
            if (t instanceof SocketTimeoutException) {
                return "cannot reach endpoint " + endpoint + " while " + action + " (timed out: " + firstLine(t.getMessage()) + ")";
            }
            if (t instanceof SSLException) {
                return "TLS failure with endpoint " + endpoint + " while " + action + " (" + firstLine(t.getMessage())
                        + "); skip-verify disables certificate checks";
            }
        }
        String message = firstLine(e.getMessage());
        if (message.contains("Unable to load credentials")) {
            return "no AWS credentials found while " + action
                    + " (set access-key-id and secret-access-key, or configure the AWS default credential chain)";
        }
        return action + " failed (" + message + ")";
    }

    private static String serviceReason(S3Settings settings, String action, AwsServiceException e) {
        String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
        String message = e.awsErrorDetails() != null ? firstLine(e.awsErrorDetails().errorMessage()) : "";
        String detail = code == null ? "HTTP " + e.statusCode() : message.isEmpty() ? code : code + ": " + message;
        if ("NoSuchBucket".equals(code)) {
            return "bucket " + settings.bucket() + " does not exist (NoSuchBucket)";
        }
        if (e.statusCode() == 403 || ACCESS_CODES.contains(code)) {
            return "access denied " + action + " (" + detail + ")";
        }
        if (e.statusCode() == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
            return "bucket " + settings.bucket() + " is in another region; set the replica's region (" + detail + ")";
        }
        return action + " failed: HTTP " + e.statusCode() + " (" + detail + ")";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}

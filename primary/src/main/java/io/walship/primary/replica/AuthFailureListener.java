package io.walship.primary.replica;

import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Tells the credentials provider when S3 refused its credentials (expired, rotated away, unknown key), so the next
 * request resolves fresh ones instead of presenting the cached ones until they expire.
 */
final class AuthFailureListener implements ExecutionInterceptor {
    private static final Set<String> CREDENTIAL_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AccessDenied");

    private final Consumer<String> onRejected;

    AuthFailureListener(Consumer<String> onRejected) {
        this.onRejected = onRejected;
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (context.exception() instanceof AwsServiceException e && e.awsErrorDetails() != null
                && CREDENTIAL_CODES.contains(e.awsErrorDetails().errorCode())) {
            onRejected.accept("S3 answered " + e.awsErrorDetails().errorCode());
        }
    }
}

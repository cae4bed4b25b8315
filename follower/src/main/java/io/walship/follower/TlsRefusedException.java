package io.walship.follower;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Set;

/**
 * The TLS handshake with the primary failed on trust, not on the network: its certificate is not trusted by this
 * follower, or it refused the follower's client certificate. Retrying cannot fix either, so the follower stops
 * with this one line.
 */
public final class TlsRefusedException extends IOException {
    /** Alerts a server sends when it rejects, or requires, the client's certificate. */
    private static final Set<String> CLIENT_CERT_ALERTS = Set.of("bad_certificate", "certificate_required",
            "unknown_ca", "certificate_unknown", "certificate_expired", "certificate_revoked",
            "unsupported_certificate", "access_denied");

    private TlsRefusedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The refusal {@code failure} stands for, or null when it is not one (e.g. a reset during the handshake). */
    static TlsRefusedException of(UpstreamUrl upstream, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return new TlsRefusedException(upstream + ": the primary's certificate is not trusted ("
                        + t.getMessage() + "); set upstream.ca (-ca) to the CA that signed it", failure);
            }
            String alert = alert(t.getMessage());
            if (alert != null && CLIENT_CERT_ALERTS.contains(alert)) {
                return new TlsRefusedException(upstream + ": the primary refused the client certificate (TLS alert "
                        + alert + "); set upstream.cert and upstream.key (-cert, -key) to a certificate signed by"
                        + " the primary's stream.client-ca", failure);
            }
        }
        return null;
    }

    private static String alert(String message) {
        String prefix = "received fatal alert: ";
        if (message == null) {
            return null;
        }
        int at = message.toLowerCase(Locale.ROOT).indexOf(prefix);
        return at < 0 ? null : message.substring(at + prefix.length()).strip();
    }
}

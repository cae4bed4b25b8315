package io.walship.follower;

import io.walship.tls.ClientTls;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * How a follower verifies an {@code https://} primary and, for mutual TLS, identifies itself.
 *
 * @param ca   PEM CA certificates that sign the primary's certificate, or null for the JDK's trust store
 * @param cert PEM client certificate chain, or null to present none
 * @param key  PEM private key of {@code cert} (readable by its owner only), or null
 */
public record UpstreamTls(Path ca, Path cert, Path key) {

    public UpstreamTls {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("a client certificate needs its key and a key its certificate"
                    + " (set both cert and key, or neither)");
        }
    }

    /** The JDK's trust store and no client certificate. */
    public static UpstreamTls defaults() {
        return new UpstreamTls(null, null, null);
    }

    SSLContext context() throws IOException {
        return ClientTls.context(ca, cert, key);
    }
}

package io.walship.primary.credentials;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS context of a device: its certificate and key for client authentication, and the CAs it trusts. */
final class DeviceTls {
    private static final char[] NO_PASSWORD = new char[0];

    private DeviceTls() {
    }

    static SSLContext context(IotSettings s) throws IOException {
        if (s.keyIsPkcs11()) {
            throw new IOException("iot.key: pkcs11: URIs are not supported yet; use a PEM key file");
        }
        List<X509Certificate> chain = PemFiles.certificates(s.cert());
        PrivateKey key = PemFiles.privateKey(java.nio.file.Path.of(s.key()));
        try {
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            identity.setKeyEntry("device", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(identity, NO_PASSWORD);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (s.ca() != null) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int i = 0;
                for (X509Certificate ca : PemFiles.certificates(s.ca())) {
                    trusted.setCertificateEntry("ca" + i++, ca);
                }
                tmf.init(trusted);
            } else {
                tmf.init((KeyStore) null);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("iot: cannot use certificate " + s.cert() + " with key " + s.key() + ": "
                    + e.getMessage(), e);
        }
    }
}

package io.walship.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context of a client from PEM files: the CAs it trusts for the server (or the JDK's trust store), and
 * optionally its own certificate and key for mutual TLS.
 */
public final class ClientTls {
    private static final char[] NO_PASSWORD = new char[0];

    private ClientTls() {
    }

    /**
     * @param ca   PEM CA certificates that sign the server's certificate, or null for the JDK's trust store
     * @param cert PEM certificate chain to present, or null for none
     * @param key  PEM private key of {@code cert} (refused when others can read it), or null for none
     */
    public static SSLContext context(Path ca, Path cert, Path key) throws IOException {
        KeyManager[] identity = null;
        if (cert != null) {
            PrivateKey privateKey = PemFiles.privateKey(key); // first: a key others can read is refused outright
            List<X509Certificate> chain = PemFiles.certificates(cert);
            try {
                identity = identity(chain, privateKey);
            } catch (IOException e) {
                throw new IOException(cert + " with key " + key + ": " + e.getMessage(), e);
            }
        }
        return context(identity, trust(ca));
    }

    /** Key managers that present {@code chain} with {@code key}. */
    public static KeyManager[] identity(List<X509Certificate> chain, PrivateKey key) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("identity", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, NO_PASSWORD);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("the private key does not fit the certificate: " + e.getMessage(), e);
        }
    }

    /** Trust managers for the CAs in the PEM file {@code ca}, or the JDK's default trust store when null. */
    public static TrustManager[] trust(Path ca) throws IOException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (ca == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int i = 0;
                for (X509Certificate c : PemFiles.certificates(ca)) {
                    trusted.setCertificateEntry("ca" + i++, c);
                }
                tmf.init(trusted);
            }
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException((ca == null ? "the JDK trust store" : ca.toString()) + ": " + e.getMessage(), e);
        }
    }

    public static SSLContext context(KeyManager[] identity, TrustManager[] trust) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(identity, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}

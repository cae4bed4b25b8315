package io.walship.primary.credentials;

import io.walship.primary.credentials.pkcs11.TokenKeys;
import io.walship.tls.ClientTls;
import io.walship.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context of a device: its certificate and key for client authentication, and the CAs it trusts. The key
 * is a PEM file or, for a {@code pkcs11:} URI, a key on a token that signs there (the JDK's SunPKCS11).
 */
final class DeviceTls {
    private static final Logger log = LoggerFactory.getLogger(DeviceTls.class);
    /** rsa_pss_rsae_sha256, the first RSA scheme a TLS 1.3 client offers. */
    private static final PSSParameterSpec TLS13_RSA_PSS =
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, PSSParameterSpec.TRAILER_FIELD_BC);

    private DeviceTls() {
    }

    static SSLContext context(IotSettings s) throws IOException {
        List<X509Certificate> chain = PemFiles.certificates(s.cert());
        PrivateKey key = s.keyIsPkcs11() ? tokenKey(s) : PemFiles.privateKey(Path.of(s.key()));
        try {
            if (!KeyMatch.matches(key, chain.get(0))) {
                throw new IOException("iot.key: the private key " + s.keyDescription()
                        + " does not belong to the certificate in iot.cert " + s.cert());
            }
            SSLContext ctx = SSLContext.getInstance(signsRsaPss(key) ? "TLS" : "TLSv1.2");
            ctx.init(new KeyManager[] {new DeviceKeyManager(chain, key)}, ClientTls.trust(s.ca()), null);
            return ctx;
        } catch (GeneralSecurityException | ProviderException e) {
            throw new IOException("iot: cannot use certificate " + s.cert() + " with key " + s.keyDescription() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * TLS 1.3 takes RSA signatures only as RSA-PSS, which SunPKCS11 cannot make with a token that offers no SHA-256
     * of its own (NSS's key slot, many HSMs): such a key keeps the connection to TLS 1.2 and its PKCS#1 v1.5
     * signatures, which the IoT credentials endpoint accepts, instead of failing every handshake.
     */
    private static boolean signsRsaPss(PrivateKey key) {
        if (!key.getAlgorithm().equals("RSA")) {
            return true;
        }
        for (Provider p : Security.getProviders("Signature.RSASSA-PSS")) {
            try {
                Signature s = Signature.getInstance("RSASSA-PSS", p);
                s.initSign(key);
                s.setParameter(TLS13_RSA_PSS);
                s.update(new byte[] {0});
                s.sign();
                return true;
            } catch (GeneralSecurityException | ProviderException e) {
                // this provider cannot; another may
            }
        }
        log.info("iot.key: the key cannot make RSA-PSS signatures through the JDK; using TLS 1.2 with the endpoint");
        return false;
    }

    private static PrivateKey tokenKey(IotSettings s) throws IOException {
        try {
            return TokenKeys.privateKey(s.key());
        } catch (IOException e) {
            throw new IOException("iot.key: " + e.getMessage(), e);
        }
    }
}

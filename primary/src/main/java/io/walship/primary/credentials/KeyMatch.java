package io.walship.primary.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Whether a private key belongs to a certificate: the key signs a probe and the certificate's public key verifies
 * it. Works alike for a key in a file and one on a token (which does not reveal its public half), and turns a
 * mismatched pair into an error at set-up instead of a TLS handshake the endpoint refuses.
 */
final class KeyMatch {
    private static final byte[] PROBE = "walship device key check".getBytes(StandardCharsets.US_ASCII);

    private KeyMatch() {
    }

    static boolean matches(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        String algorithm = cert.getPublicKey().getAlgorithm();
        if (!algorithm.equals(key.getAlgorithm())) {
            return false;
        }
        String signature = switch (algorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (signature == null) {
            return true; // a key type TLS rarely meets; the handshake is the check then
        }
        Signature signer = Signature.getInstance(signature);
        signer.initSign(key);
        signer.update(PROBE);
        byte[] signed = signer.sign();
        Signature verifier = Signature.getInstance(signature);
        verifier.initVerify(cert.getPublicKey());
        verifier.update(PROBE);
        return verifier.verify(signed);
    }
}

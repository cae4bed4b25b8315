package io.walship.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files: certificate chains, and private keys as AWS IoT and OpenSSL write them (PKCS#8
 * {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY}). The JDK only parses PKCS#8,
 * so the other two are wrapped into it. A key file others can read is refused ({@link KeyFilePermissions}).
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s:,\\-]*?)-----END \\1-----");
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private PemFiles() {
    }

    public static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IOException(file + ": no PEM certificate found");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    public static PrivateKey privateKey(Path file) throws IOException {
        KeyFilePermissions.requireOwnerOnly(file);
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue; // e.g. the EC PARAMETERS block OpenSSL writes first
            }
            if (type.equals("ENCRYPTED PRIVATE KEY") || m.group(2).contains("Proc-Type")) {
                throw new IOException(file + ": encrypted private keys are not supported; store the key unencrypted"
                        + " with file permissions 0600, or in a PKCS#11 token");
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            try {
                return switch (type) {
                    case "PRIVATE KEY" -> pkcs8(der);
                    case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(
                            new PKCS8EncodedKeySpec(wrapPkcs8(RSA_ALGORITHM, der)));
                    case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(
                            new PKCS8EncodedKeySpec(wrapPkcs8(ecAlgorithm(der), der)));
                    default -> throw new IOException(file + ": unsupported key type " + type);
                };
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException(file + ": invalid " + type + ": " + e.getMessage(), e);
            }
        }
        throw new IOException(file + ": no PEM private key found");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING key }. */
    static byte[] wrapPkcs8(byte[] algorithmIdentifier, byte[] key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(algorithmIdentifier);
        body.writeBytes(tlv(0x04, key));
        return tlv(0x30, body.toByteArray());
    }

    /** The AlgorithmIdentifier for a SEC1 key: id-ecPublicKey with the curve named in the key's [0] parameters. */
    private static byte[] ecAlgorithm(byte[] sec1) {
        int[] at = {0};
        expect(sec1, at, 0x30);
        readLength(sec1, at);
        skip(sec1, at, 0x02); // version
        skip(sec1, at, 0x04); // private key
        if (at[0] >= sec1.length || (sec1[at[0]] & 0xff) != 0xa0) {
            throw new IllegalArgumentException("the key names no curve; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
        }
        at[0]++;
        int len = readLength(sec1, at);
        byte[] curve = new byte[len];
        System.arraycopy(sec1, at[0], curve, 0, len);
        ByteArrayOutputStream alg = new ByteArrayOutputStream();
        alg.writeBytes(EC_PUBLIC_KEY_OID);
        alg.writeBytes(curve);
        return tlv(0x30, alg.toByteArray());
    }

    private static void expect(byte[] der, int[] at, int tag) {
        if (at[0] >= der.length || (der[at[0]] & 0xff) != tag) {
            throw new IllegalArgumentException("malformed DER at byte " + at[0]);
        }
        at[0]++;
    }

    private static void skip(byte[] der, int[] at, int tag) {
        expect(der, at, tag);
        int len = readLength(der, at);
        at[0] += len;
    }

    private static int readLength(byte[] der, int[] at) {
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int len = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            len = (len << 8) | (der[at[0]++] & 0xff);
        }
        return len;
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = value.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}

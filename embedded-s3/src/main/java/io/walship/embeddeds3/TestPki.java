package io.walship.embeddeds3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority for mutual-TLS tests, made with the JDK's {@code keytool}: a CA, a server
 * certificate for 127.0.0.1 and a device (client) certificate, both signed by the CA. The device side is written
 * as the PEM files a provisioned device holds ({@link #caPem}, {@link #deviceCertPem}, {@link #deviceKeyPem} in
 * PKCS#8 and {@link #deviceRsaKeyPem} in PKCS#1 as AWS IoT hands it out), the server side also as PEM files
 * ({@link #serverCertPem}, {@link #serverKeyPem}) for servers configured with them. Key files are mode 0600.
 */
public final class TestPki {
    private static final String PASSWORD = "changeit";

    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    public static TestPki create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Files.createDirectories(dir);
        TestPki pki = new TestPki(dir);
        pki.keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=walship test CA", "-ext", "bc:c", "-keystore", "ca.p12");
        pki.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        pki.issue("server", "CN=127.0.0.1", "san=ip:127.0.0.1,dns:localhost");
        pki.issue("device", "CN=walship-test-thing", "eku=clientAuth");
        pki.keytool("-exportcert", "-rfc", "-alias", "device", "-keystore", "device.p12", "-file", "device.pem");
        pki.keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", "server.p12", "-file", "server.pem");
        byte[] pkcs8 = pki.privateKey("device.p12", "device").getEncoded();
        writeKey(pki.deviceKeyPem(), pem("PRIVATE KEY", pkcs8));
        writeKey(pki.deviceRsaKeyPem(), pem("RSA PRIVATE KEY", innerKey(pkcs8)));
        writeKey(pki.serverKeyPem(), pem("PRIVATE KEY", pki.privateKey("server.p12", "server").getEncoded()));
        return pki;
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public Path deviceCertPem() {
        return dir.resolve("device.pem");
    }

    public Path deviceKeyPem() {
        return dir.resolve("device.key");
    }

    public Path deviceRsaKeyPem() {
        return dir.resolve("device-rsa.key");
    }

    /** The server's certificate for 127.0.0.1 and localhost, signed by the CA. */
    public Path serverCertPem() {
        return dir.resolve("server.pem");
    }

    public Path serverKeyPem() {
        return dir.resolve("server.key");
    }

    /** The server's TLS context: its certificate chain, and the CA for verifying client certificates. */
    public SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore server = load("server.p12");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(server, PASSWORD.toCharArray());
        KeyStore trust = load("ca.p12");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A key pair signed by the CA, its chain (CA first imported as trusted) in {@code <alias>.p12}. */
    private void issue(String alias, String dname, String ext) throws IOException, InterruptedException {
        String store = alias + ".p12";
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", dname, "-keystore", store);
        keytool("-certreq", "-alias", alias, "-keystore", store, "-file", alias + ".csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", alias + ".csr", "-outfile",
                alias + ".crt", "-rfc", "-validity", "2", "-ext", ext);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", alias + ".crt", "-keystore", store);
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (List.of(args).contains("-genkeypair")) {
            cmd.addAll(List.of("-keypass", PASSWORD));
        }
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    private KeyStore load(String file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private PrivateKey privateKey(String file, String alias) throws IOException, GeneralSecurityException {
        return (PrivateKey) load(file).getKey(alias, PASSWORD.toCharArray());
    }

    private static void writeKey(Path file, String pem) throws IOException {
        Files.writeString(file, pem);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** The PKCS#1 key inside an RSA PKCS#8 structure: its last element, an OCTET STRING. */
    private static byte[] innerKey(byte[] pkcs8) {
        int[] at = {0};
        header(pkcs8, at); // SEQUENCE, whose contents follow its length
        length(pkcs8, at);
        skipElement(pkcs8, at); // version
        skipElement(pkcs8, at); // algorithm
        header(pkcs8, at); // OCTET STRING
        int len = length(pkcs8, at);
        byte[] out = new byte[len];
        System.arraycopy(pkcs8, at[0], out, 0, len);
        return out;
    }

    private static void header(byte[] der, int[] at) {
        at[0]++;
    }

    private static void skipElement(byte[] der, int[] at) {
        header(der, at);
        int len = length(der, at);
        at[0] += len;
    }

    private static int length(byte[] der, int[] at) {
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
}

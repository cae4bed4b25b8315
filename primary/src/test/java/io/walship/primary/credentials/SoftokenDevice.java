package io.walship.primary.credentials;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walship.embeddeds3.TestPki;
import io.walship.tls.PemFiles;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PKCS#11 token holding a {@link TestPki} device key: NSS's softokn (libsoftokn3.so, as found on Debian and
 * Ubuntu with libnss3) over a fresh NSS database, made once per test JVM — a process initialises a PKCS#11 module
 * once, so every test shares this database.
 * <p>
 * The JDK cannot set a token's first PIN (its PKCS#11 wrapper has no C_InitPIN), SunPKCS11 stores private keys
 * without a label (so {@code object=} could not name them), and certutil/pk12util are not installed: {@code python3}
 * does their work through libnss3, in a child process, so that this JVM loads softokn only the way walship does,
 * read-only.
 * <p>
 * Missing softokn, libnss3 or python3: the test is skipped, except under {@code CI=true} where it fails.
 */
record SoftokenDevice(Path softokn, Path db, TestPki pki) {
    static final String TOKEN = "NSS Certificate DB";
    static final String OBJECT = "walship-device";
    static final String PIN = "walship-token-pin-4711";
    private static final List<String> SOFTOKN = List.of("/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
            "/usr/lib/aarch64-linux-gnu/libsoftokn3.so", "/usr/lib64/libsoftokn3.so", "/usr/lib/libsoftokn3.so");
    /** What {@code certutil -N} and {@code pk12util -i} would do: set the first PIN, import key and certificate. */
    private static final String MAKE_TOKEN = """
            import ctypes, sys
            class SECItem(ctypes.Structure):
                _fields_ = [("type", ctypes.c_int), ("data", ctypes.c_char_p), ("len", ctypes.c_uint)]
            def item(data):
                return ctypes.byref(SECItem(0, data, len(data)))
            db, pin, label, key, cert = sys.argv[1:6]
            nss = ctypes.CDLL("libnss3.so")
            nss.PK11_GetInternalKeySlot.restype = ctypes.c_void_p
            nss.PK11_InitPin.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
            nss.PK11_CheckUserPassword.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            nss.PK11_ImportDERPrivateKeyInfo.argtypes = [ctypes.c_void_p, ctypes.POINTER(SECItem),
                ctypes.POINTER(SECItem), ctypes.POINTER(SECItem), ctypes.c_int, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p]
            nss.PK11_ImportDERCert.argtypes = [ctypes.c_void_p, ctypes.POINTER(SECItem), ctypes.c_ulong, ctypes.c_char_p,
                ctypes.c_int]
            nss.PK11_FreeSlot.argtypes = [ctypes.c_void_p]
            if nss.NSS_Initialize(("sql:" + db).encode(), b"", b"", b"secmod.db", 0) != 0:
                sys.exit("NSS_Initialize failed")
            slot = nss.PK11_GetInternalKeySlot()
            steps = [
                ("PK11_InitPin", lambda: nss.PK11_InitPin(slot, b"", pin.encode())),
                ("PK11_CheckUserPassword", lambda: nss.PK11_CheckUserPassword(slot, pin.encode())),
                ("PK11_ImportDERPrivateKeyInfo", lambda: nss.PK11_ImportDERPrivateKeyInfo(slot,
                    item(open(key, "rb").read()), item(label.encode()), None, 1, 1, 0xff, None)),
                ("PK11_ImportDERCert", lambda: nss.PK11_ImportDERCert(slot, item(open(cert, "rb").read()), 0,
                    label.encode(), 0)),
            ]
            for name, step in steps:
                if step() != 0:
                    sys.exit(name + " failed")
            nss.PK11_FreeSlot(slot)
            nss.NSS_Shutdown()
            """;

    private static SoftokenDevice instance;

    static synchronized SoftokenDevice get() throws Exception {
        if (instance == null) {
            Path softokn = SOFTOKN.stream().map(Path::of).filter(Files::isRegularFile).findFirst().orElse(null);
            require(softokn != null, "NSS softokn (libsoftokn3.so, package libnss3) not found in " + SOFTOKN);
            require(onPath("python3"), "python3 not found on PATH (it sets the test token's PIN)");
            Path dir = Files.createTempDirectory("walship-softokn");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            Path db = Files.createDirectory(dir.resolve("nssdb"));
            TestPki pki = TestPki.create(dir.resolve("pki"));
            makeToken(db, pki, dir);
            instance = new SoftokenDevice(softokn, db, pki);
        }
        return instance;
    }

    /** {@code pkcs11:} URI of the device key with these extra path attributes replacing token/object. */
    String uri(String path, String query) {
        return "pkcs11:" + path + "?module-path=" + softokn + "&x-nss-db=" + db + (query.isEmpty() ? "" : "&" + query);
    }

    String uri() {
        return uri("token=" + encode(TOKEN) + ";object=" + OBJECT, "pin-value=" + PIN);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void makeToken(Path db, TestPki pki, Path dir) throws Exception {
        Path key = dir.resolve("device.key.der");
        Files.write(key, PemFiles.privateKey(pki.deviceKeyPem()).getEncoded());
        Path cert = dir.resolve("device.crt.der");
        Files.write(cert, PemFiles.certificates(pki.deviceCertPem()).get(0).getEncoded());
        run(List.of("python3", "-c", MAKE_TOKEN, db.toString(), PIN, OBJECT, key.toString(), cert.toString()), dir);
        Files.delete(key);
    }

    private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command.get(0) + " failed while making the test token: " + output);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    private static void require(boolean present, String why) {
        if (!present) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            assumeTrue(false, why);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
            for (Path f : all) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // a temp directory left behind
        }
    }
}

package io.walship.primary.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.embeddeds3.FakeIotCredentialsEndpoint;
import io.walship.primary.credentials.pkcs11.TokenKeys;
import io.walship.tls.PemFiles;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS IoT credential provider with the device key on a real PKCS#11 token (NSS's softokn through SunPKCS11),
 * against the local mutual-TLS endpoint: credentials come through, and every way the token set-up can go wrong
 * is one clear line that never holds the PIN.
 */
class Pkcs11DeviceKeyTest {
    private static final String ALIAS = "walship-role-alias";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    static SoftokenDevice token;

    @TempDir
    Path dir;
    FakeIotCredentialsEndpoint endpoint;

    @BeforeAll
    static void makeToken() throws Exception {
        token = SoftokenDevice.get();
    }

    @BeforeEach
    void start() throws Exception {
        endpoint = FakeIotCredentialsEndpoint.start(token.pki(), ALIAS);
        endpoint.setCredentials("ASIATOKENKEY1", "secret-1", T0.plus(Duration.ofMinutes(15)));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private IotSettings settings(String key) {
        return new IotSettings(endpoint.endpoint(), ALIAS, "walship-thing", token.pki().deviceCertPem(), key,
                token.pki().caPem());
    }

    private IotCredentialsProvider provider(String key) throws Exception {
        return new IotCredentialsProvider(settings(key), new MutableClock(T0));
    }

    @Test
    void fetchesCredentialsOverMutualTlsWithTheKeyOnTheToken() throws Exception {
        IotCredentialsProvider p = provider(token.uri());
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("ASIATOKENKEY1");
        assertThat(endpoint.lastClientSubject()).isEqualTo("CN=walship-test-thing");

        PrivateKey key = TokenKeys.privateKey(token.uri());
        assertThat(key.getAlgorithm()).isEqualTo("RSA");
        assertThat(key.getEncoded()).as("a sensitive token key does not reveal its material").isNull();
        assertThat(key.toString()).contains("SunPKCS11-walship-").contains("token object");
    }

    @Test
    void theKeyIsFoundByIdAndThePinReadFromAFile() throws Exception {
        // NSS gives a key the SHA-1 of its RSA modulus as CKA_ID.
        BigInteger modulus = ((RSAPublicKey) PemFiles.certificates(token.pki().deviceCertPem()).get(0).getPublicKey()).getModulus();
        byte[] magnitude = modulus.toByteArray();
        magnitude = magnitude[0] == 0 ? Arrays.copyOfRange(magnitude, 1, magnitude.length) : magnitude;
        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(magnitude)).replaceAll("(..)", "%$1");
        Path pinFile = dir.resolve("pin");
        Files.writeString(pinFile, SoftokenDevice.PIN + "\n");

        IotCredentialsProvider p = provider(token.uri("token=" + SoftokenDevice.encode(SoftokenDevice.TOKEN) + ";id=" + id,
                "pin-source=" + pinFile));
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("ASIATOKENKEY1");
        assertThat(endpoint.lastClientSubject()).isEqualTo("CN=walship-test-thing");
    }

    @Test
    void aModuleThatCannotBeLoadedIsNamed() {
        assertThatThrownBy(() -> provider("pkcs11:object=k?module-path=/nonexistent/libtoken.so&pin-value=1"))
                .hasMessage("iot.key: PKCS#11 module /nonexistent/libtoken.so not found");
        String notALibrary = token.pki().caPem().toString();
        assertThatThrownBy(() -> provider("pkcs11:object=k?module-path=" + notALibrary + "&pin-value=1"))
                .hasMessageStartingWith("iot.key: cannot load PKCS#11 module " + notALibrary + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aModuleIsInitialisedOnceWithOneDatabase() throws Exception {
        provider(token.uri());
        assertThatThrownBy(() -> provider(token.uri().replace("x-nss-db=" + token.db(), "x-nss-db=" + dir)))
                .hasMessage("iot.key: PKCS#11 module " + token.softokn() + " is already loaded with other arguments"
                        + " (x-nss-db); one process can use it with one set only, restart walship to change it");
    }

    @Test
    void anUnknownTokenListsTheTokensPresent() {
        assertThatThrownBy(() -> provider(token.uri("token=no-such-token;object=" + SoftokenDevice.OBJECT,
                "pin-value=" + SoftokenDevice.PIN)))
                .hasMessageStartingWith("iot.key: no token matches token=no-such-token in PKCS#11 module " + token.softokn())
                .hasMessageContaining("\"NSS Certificate DB\" (slot 2)")
                .hasMessageNotContaining(SoftokenDevice.PIN);
    }

    @Test
    void aWrongPinIsReportedOnceAndNotTriedAgainWhileTheRightOneKeepsWorking() throws Exception {
        provider(token.uri()).resolveCredentials();
        String wrong = token.uri().replace(SoftokenDevice.PIN, "0000-bad-pin");
        assertThatThrownBy(() -> provider(wrong))
                .hasMessage("iot.key: wrong PIN for token \"NSS Certificate DB\" (slot 2)");
        assertThatThrownBy(() -> provider(wrong))
                .hasMessageStartingWith("iot.key: wrong PIN for token \"NSS Certificate DB\" (slot 2) (refused before;"
                        + " not tried again");
        assertThat(provider(token.uri()).resolveCredentials().accessKeyId()).isEqualTo("ASIATOKENKEY1");
        assertThat(endpoint.lastClientSubject()).isEqualTo("CN=walship-test-thing");
    }

    @Test
    void aTokenThatNeedsAPinSaysSo() {
        assertThatThrownBy(() -> provider(token.uri("token=" + SoftokenDevice.encode(SoftokenDevice.TOKEN)
                + ";object=" + SoftokenDevice.OBJECT, "")))
                .hasMessage("iot.key: token \"NSS Certificate DB\" (slot 2) needs a PIN: add pin-source=FILE (or pin-value=PIN)");
    }

    @Test
    void aMissingKeyObjectListsTheKeysOnTheToken() {
        assertThatThrownBy(() -> provider(token.uri("token=" + SoftokenDevice.encode(SoftokenDevice.TOKEN)
                + ";object=no-such-key", "pin-value=" + SoftokenDevice.PIN)))
                .hasMessage("iot.key: no private key object=no-such-key on token \"NSS Certificate DB\" (slot 2)"
                        + " (private keys there: object=walship-device)");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtSetUp() {
        IotSettings mismatched = new IotSettings(endpoint.endpoint(), ALIAS, null, token.pki().caPem(), token.uri(),
                token.pki().caPem());
        assertThatThrownBy(() -> new IotCredentialsProvider(mismatched))
                .hasMessageStartingWith("iot.key: the private key pkcs11:token=NSS%20Certificate%20DB;object=walship-device?")
                .hasMessageContaining("pin-value=***")
                .hasMessageEndingWith(" does not belong to the certificate in iot.cert " + token.pki().caPem())
                .hasMessageNotContaining(SoftokenDevice.PIN);
    }

    @Test
    void thePinNeverShowsInTheSettings() {
        assertThat(settings(token.uri()).toString()).contains("pin-value=***").doesNotContain(SoftokenDevice.PIN);
        assertThat(new CredentialSettings(null, null, null, null, null, settings(token.uri())).toString())
                .doesNotContain(SoftokenDevice.PIN);
    }
}

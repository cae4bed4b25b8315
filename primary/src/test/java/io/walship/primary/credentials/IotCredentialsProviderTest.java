package io.walship.primary.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walship.embeddeds3.FakeIotCredentialsEndpoint;
import io.walship.embeddeds3.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** The AWS IoT credential provider against a local mutual-TLS endpoint, on a clock the test moves. */
class IotCredentialsProviderTest {
    private static final String ALIAS = "walship-role-alias";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    static Path pkiDir;
    static TestPki pki;

    FakeIotCredentialsEndpoint endpoint;
    MutableClock clock;

    @BeforeAll
    static void makePki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    @BeforeEach
    void start() throws Exception {
        endpoint = FakeIotCredentialsEndpoint.start(pki, ALIAS);
        clock = new MutableClock(T0);
        endpoint.setCredentials("ASIAK1FIRSTKEY", "secret-1", T0.plus(Duration.ofMinutes(15)));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private IotSettings settings(Path key) {
        return new IotSettings(endpoint.endpoint(), ALIAS, "walship-thing", pki.deviceCertPem(), key.toString(), pki.caPem());
    }

    private IotCredentialsProvider provider() throws Exception {
        return new IotCredentialsProvider(settings(pki.deviceKeyPem()), clock);
    }

    @Test
    void fetchesOverMutualTlsWithTheThingNameAndCachesUntilRefreshAhead() throws Exception {
        IotCredentialsProvider p = provider();
        AwsCredentials c = p.resolveCredentials();
        assertThat(c.accessKeyId()).isEqualTo("ASIAK1FIRSTKEY");
        assertThat(c.secretAccessKey()).isEqualTo("secret-1");
        assertThat(((AwsSessionCredentials) c).sessionToken()).isEqualTo("session-ASIAK1FIRSTKEY");
        assertThat(p.expiration()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
        assertThat(endpoint.lastThingName()).isEqualTo("walship-thing");
        assertThat(endpoint.lastClientSubject()).isEqualTo("CN=walship-test-thing");

        endpoint.setCredentials("ASIAK2SECONDKEY", "secret-2", T0.plus(Duration.ofMinutes(30)));
        clock.advance(Duration.ofMinutes(11)); // 15-minute credentials are refreshed 3m45s ahead, at 11:15
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("ASIAK1FIRSTKEY");
        assertThat(endpoint.requests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(16));
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("ASIAK2SECONDKEY");
        assertThat(endpoint.requests()).isEqualTo(2);
        assertThat(p.expiration()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    }

    @Test
    void refreshAheadIsAQuarterOfTheLifetimeAtMostFiveMinutes() {
        assertThat(IotCredentialsProvider.refreshAhead(T0, T0.plus(Duration.ofMinutes(15))))
                .isEqualTo(Duration.ofSeconds(225));
        assertThat(IotCredentialsProvider.refreshAhead(T0, T0.plus(Duration.ofHours(12)))).isEqualTo(Duration.ofMinutes(5));
        assertThat(IotCredentialsProvider.refreshAhead(T0, T0.minusSeconds(1))).isEqualTo(Duration.ZERO);
    }

    @Test
    void aFailedRefreshKeepsServingValidCredentialsAndBacksOff() throws Exception {
        IotCredentialsProvider p = provider();
        p.resolveCredentials();
        endpoint.failWith(403);
        clock.advance(Duration.ofMinutes(12));

        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("ASIAK1FIRSTKEY");
        assertThat(endpoint.requests()).isEqualTo(2);
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("ASIAK1FIRSTKEY");
        assertThat(endpoint.requests()).as("no new attempt within the 1 s backoff").isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        p.resolveCredentials();
        assertThat(endpoint.requests()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(1));
        p.resolveCredentials();
        assertThat(endpoint.requests()).as("the backoff doubled to 2 s").isEqualTo(3);

        endpoint.setCredentials("ASIAK2SECONDKEY", "secret-2", T0.plus(Duration.ofMinutes(30)));
        clock.advance(Duration.ofSeconds(1));
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("ASIAK2SECONDKEY");
    }

    @Test
    void withoutValidCredentialsFailuresAreClearAndDoNotHammerTheEndpoint() throws Exception {
        endpoint.failWith(403);
        IotCredentialsProvider p = provider();
        assertThatThrownBy(p::resolveCredentials)
                .isInstanceOf(CredentialsUnavailableException.class)
                .hasMessageContaining("AWS IoT credential provider https://" + endpoint.endpoint()
                        + "/role-aliases/" + ALIAS + "/credentials")
                .hasMessageContaining("HTTP 403: Access Denied")
                .hasMessageContaining("next attempt in 1 s");
        assertThatThrownBy(p::resolveCredentials).hasMessageContaining("next attempt in 1 s");
        assertThat(endpoint.requests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(p::resolveCredentials).hasMessageContaining("2 consecutive failures, next attempt in 2 s");
        assertThat(endpoint.requests()).isEqualTo(2);
    }

    @Test
    void credentialsCloseToExpiryAreNeverHandedOut() throws Exception {
        IotCredentialsProvider p = provider();
        p.resolveCredentials();
        endpoint.failWith(500);
        clock.advance(Duration.ofMinutes(15).minusSeconds(20)); // inside the 30 s margin
        assertThatThrownBy(p::resolveCredentials).isInstanceOf(CredentialsUnavailableException.class)
                .hasMessageContaining("HTTP 500");
    }

    @Test
    void invalidateFetchesAtTheNextCall() throws Exception {
        IotCredentialsProvider p = provider();
        p.resolveCredentials();
        endpoint.setCredentials("ASIAK2SECONDKEY", "secret-2", T0.plus(Duration.ofMinutes(30)));
        p.invalidate();
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("ASIAK2SECONDKEY");
    }

    @Test
    void providersOfOneDeviceShareOneHttpClientThread() throws Exception {
        long before = selectorThreads();
        List<IotCredentialsProvider> providers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            providers.add(provider()); // one per replica of a daemon with many databases
        }
        assertThat(selectorThreads() - before).isLessThanOrEqualTo(1);
        for (IotCredentialsProvider p : providers) {
            assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("ASIAK1FIRSTKEY");
        }
    }

    private static long selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")).count();
    }

    @Test
    void readsPkcs1RsaKeysAsAwsIotIssuesThem() throws Exception {
        IotCredentialsProvider p = new IotCredentialsProvider(settings(pki.deviceRsaKeyPem()), clock);
        assertThat(p.resolveCredentials().accessKeyId()).isEqualTo("ASIAK1FIRSTKEY");
    }

    @Test
    void anEndpointCertificateFromAnotherCaIsATlsError() throws Exception {
        IotSettings wrongCa = new IotSettings(endpoint.endpoint(), ALIAS, "walship-thing", pki.deviceCertPem(),
                pki.deviceKeyPem().toString(), pki.deviceCertPem());
        IotCredentialsProvider p = new IotCredentialsProvider(wrongCa, clock);
        assertThatThrownBy(p::resolveCredentials).hasMessageContaining("TLS handshake failed");
    }

    @Test
    void anUnknownRoleAliasNamesTheServiceMessage() throws Exception {
        IotSettings other = new IotSettings(endpoint.endpoint(), "no-such-alias", null, pki.deviceCertPem(),
                pki.deviceKeyPem().toString(), pki.caPem());
        assertThatThrownBy(new IotCredentialsProvider(other, clock)::resolveCredentials)
                .hasMessageContaining("HTTP 404: Role alias does not exist");
    }

    @Test
    void unreadableKeyFilesFailAtSetUp() {
        IotSettings missing = new IotSettings(endpoint.endpoint(), ALIAS, null, pki.deviceCertPem(),
                pkiDir.resolve("nope.key").toString(), pki.caPem());
        assertThatThrownBy(() -> new IotCredentialsProvider(missing, clock)).hasMessageContaining("nope.key");
    }
}

package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.embeddeds3.EmbeddedS3;
import io.walship.embeddeds3.FakeIotCredentialsEndpoint;
import io.walship.embeddeds3.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary whose S3 credentials rotate under it, as on a device with short-lived credentials: three databases,
 * one per credential source (a shared credentials file, a {@code credential_process} script, the AWS IoT
 * credential provider over mutual TLS), archive to one S3 endpoint under a steady write load. The S3 server is
 * restarted on the same port and data accepting only the new keys K2 while every source starts handing out K2;
 * then the daemon gets a SIGHUP; then S3 is down for 30 s. Through all of it the daemon keeps its PID, its
 * generation and its timers, and {@code litestream restore} with K2 gives back every source database exactly.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CredentialRotationIT {
    private static final String BUCKET = "backups";
    private static final String K1 = "AKIAROTATEFIRST1";
    private static final String S1 = "first-secret-0123456789";
    private static final String K2 = "AKIAROTATESECOND";
    private static final String S2 = "second-secret-9876543210";
    private static final List<String> DBS = List.of("file", "process", "iot");
    private static final Pattern NEXT_SNAPSHOT = Pattern.compile("replica_next_snapshot_timestamp_seconds\\{db=\"[^\"]*/([a-z]+)\\.db\",replica=\"s3\"} (\\S+)");
    private static final Pattern LAST_SUCCESS = Pattern.compile(
            "walship_replica_last_upload_success_timestamp_seconds\\{db=\"[^\"]*/([a-z]+)\\.db\",replica=\"s3\"} (\\S+)");
    private static final Pattern EXPIRY = Pattern.compile("replica_credentials_expiry_timestamp_seconds\\{db=\"[^\"]*/iot\\.db\",replica=\"s3\"} (\\S+)");

    @TempDir
    Path dir;
    EmbeddedS3 s3;
    FakeIotCredentialsEndpoint iot;
    final List<AutoCloseable> closeLast = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeLast) {
            c.close();
        }
        if (iot != null) {
            iot.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void rotatedCredentialsASighupAndAThirtySecondOutageCostNoRestartNoGenerationAndNoData() throws Exception {
        LitestreamBinary litestream = LitestreamBinary.locate();
        s3 = EmbeddedS3.startOnDisk(K1, S1, dir.resolve("s3-data"), 0);
        s3.createBucket(BUCKET);
        int port = s3.port();
        TestPki pki = TestPki.create(dir.resolve("pki"));
        iot = FakeIotCredentialsEndpoint.start(pki, "walship-alias");
        iot.setCredentials(K1, S1, Instant.now().plus(Duration.ofHours(1)));
        Path credentialsFile = dir.resolve("credentials");
        writeCredentialsFile(credentialsFile, K1, S1);
        Path processKeys = dir.resolve("process-keys");
        Files.writeString(processKeys, K1 + " " + S1 + "\n");
        Path script = dir.resolve("credential-process.sh");
        Files.writeString(script, "#!/bin/sh\nread K S < " + processKeys
                + "\nprintf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"}' \"$K\" \"$S\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("file", "credentials-file: " + credentialsFile);
        sources.put("process", "credential-process: " + script);
        sources.put("iot", """
                iot:
                          endpoint: %s
                          role-alias: walship-alias
                          thing-name: walship-test-thing
                          cert: %s
                          key: %s
                          ca: %s""".formatted(iot.endpoint(), pki.deviceCertPem(), pki.deviceRsaKeyPem(), pki.caPem()));
        Path config = dir.resolve("walship.yml");
        StringBuilder yaml = new StringBuilder("addr: 127.0.0.1:0\ndbs:\n");
        Map<String, SqliteFixture> apps = new TreeMap<>();
        Map<String, Ledger> ledgers = new TreeMap<>();
        for (String name : DBS) {
            Path db = dir.resolve(name + ".db");
            SqliteFixture app = SqliteFixture.create(db, 4096);
            closeLast.add(app);
            apps.put(name, app);
            Ledger ledger = new Ledger(app.connection(), name.hashCode());
            ledger.createSchema();
            ledgers.put(name, ledger);
            yaml.append("""
                      - path: %s
                        replicas:
                          - type: s3
                            endpoint: http://127.0.0.1:%d
                            bucket: %s
                            path: %s.db
                            region: us-east-1
                            force-path-style: true
                            sync-interval: 200ms
                            snapshot-interval: 10m
                            retention: 24h
                            retention-check-interval: 10m
                            %s
                    """.formatted(db, port, BUCKET, name, sources.get(name)));
        }
        Files.writeString(config, yaml.toString());

        try (RunningProcess walship = WalshipProcess.start("replicate", "-config", config.toString())) {
            String serving = walship.awaitLine(l -> l.contains("serving followers on"), WalshipProcess.TIMEOUT);
            Matcher m = Pattern.compile("on 127\\.0\\.0\\.1:(\\d+)").matcher(serving);
            assertThat(m.find()).isTrue();
            URI metrics = URI.create("http://127.0.0.1:" + m.group(1) + "/metrics");
            long pid = walship.pid();
            List<AppWriter> writers = new ArrayList<>();
            for (String name : DBS) {
                Ledger ledger = ledgers.get(name);
                AppWriter w = new AppWriter("writer-" + name, 40, ledger::commitNext);
                closeLast.add(0, w);
                writers.add(w);
            }
            awaitUploads(walship, 3);
            Map<String, String> nextSnapshot = nextSnapshots(metrics);
            assertThat(nextSnapshot).containsOnlyKeys(DBS);
            double firstExpiry = iotExpiry(metrics);

            // 1. S3 comes back on the same port and data knowing only K2; every source hands out K2.
            s3.close();
            s3 = EmbeddedS3.startOnDisk(K2, S2, dir.resolve("s3-data"), port);
            writeCredentialsFile(credentialsFile, K2, S2);
            Files.writeString(processKeys, K2 + " " + S2 + "\n");
            iot.setCredentials(K2, S2, Instant.now().plus(Duration.ofHours(2)));
            awaitUploadingSince(metrics, Instant.now(), walship);
            assertThat(iotExpiry(metrics)).as("the IoT credentials in use now are the new ones").isGreaterThan(firstExpiry);
            assertThat(nextSnapshots(metrics)).as("snapshot timers untouched by the rotation").isEqualTo(nextSnapshot);

            // 2. SIGHUP reloads config and credentials; nothing restarts.
            ProcessResult hup = RunningProcess.start(List.of("kill", "-HUP", Long.toString(pid)), Map.of(), null)
                    .await(Duration.ofSeconds(10));
            assertThat(hup.exitCode()).as(hup.describe()).isZero();
            walship.awaitLine(l -> l.contains("msg=\"reload done"), WalshipProcess.TIMEOUT);
            assertThat(walship.stdout() + walship.stderr()).contains("credentials re-read (iot)")
                    .contains("credentials re-read (credential-process)").contains("credentials re-read (profile)");
            assertThat(nextSnapshots(metrics)).as("snapshot timers untouched by SIGHUP").isEqualTo(nextSnapshot);

            // 3. S3 is unreachable for 30 s while the application keeps writing.
            s3.close();
            Thread.sleep(30_000);
            writers.forEach(AppWriter::check);
            assertThat(walship.stdout() + walship.stderr()).contains("upload failed");
            s3 = EmbeddedS3.startOnDisk(K2, S2, dir.resolve("s3-data"), port);
            awaitUploadingSince(metrics, Instant.now(), walship);
            assertThat(walship.stdout() + walship.stderr()).contains("uploads resumed");
            Map<String, Double> samples = MetricsScrape.scrape(metrics);
            assertThat(samples.get("litestream_replica_operation_total{operation=\"PUT\",replica_type=\"s3\"}")).isPositive();
            assertThat(samples.get("litestream_replica_operation_bytes{operation=\"PUT\",replica_type=\"s3\"}")).isPositive();
            assertThat(samples.get("litestream_replica_operation_total{operation=\"LIST\",replica_type=\"s3\"}")).isPositive();
            assertThat(samples.entrySet().stream().filter(e -> e.getKey().startsWith("walship_replica_operation_errors_total{"))
                    .mapToDouble(Map.Entry::getValue).sum()).as("requests failed during the outage").isPositive();

            for (AppWriter w : writers) {
                w.stop();
            }
            assertThat(walship.pid()).isEqualTo(pid);
            assertThat(walship.isAlive()).isTrue();
            for (String name : DBS) {
                assertThat(ledgers.get(name).committed()).as(name + " writes during the test").isGreaterThan(100);
                Path k2Config = LitestreamBinary.writeConfig(dir.resolve(name + "-k2.yml"), LitestreamConfig.s3(
                        apps.get(name).path(), "http://127.0.0.1:" + port, BUCKET, name + ".db", K2, S2));
                DbCompare.awaitRestoredEquals(apps.get(name).connection(), Duration.ofSeconds(60), attempt -> {
                    Path out = dir.resolve(name + "-restored-" + attempt + ".db");
                    litestream.restoreWithConfig(k2Config, apps.get(name).path(), out);
                    return out;
                });
                assertThat(generations(name)).as(name + ": generations in the replica").hasSize(1);
            }
            assertThat(nextSnapshots(metrics)).as("snapshot timers untouched by the outage").isEqualTo(nextSnapshot);
            assertThat(walship.countLines("new generation")).as("one generation per database, from the first start").isEqualTo(3);

            ProcessResult stopped = walship.terminate(Duration.ofSeconds(60));
            assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
            assertThat(stopped.stdout() + stopped.stderr()).doesNotContain(S1).doesNotContain(S2);
        }
    }

    private static void writeCredentialsFile(Path file, String key, String secret) throws Exception {
        FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
        Files.writeString(file, "[default]\naws_access_key_id = " + key + "\naws_secret_access_key = " + secret + "\n");
        if (before != null) {
            Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(2)));
        }
    }

    private Set<String> generations(String name) {
        String prefix = name + ".db/generations/";
        return s3.keys(BUCKET).stream().filter(k -> k.startsWith(prefix))
                .map(k -> k.substring(prefix.length(), prefix.length() + 16)).collect(Collectors.toSet());
    }

    /**
     * Waits until every replica synced successfully after {@code since}. The writers commit every few tens of
     * milliseconds, so each such sync uploaded new WAL with the credentials in use then.
     */
    private static void awaitUploadingSince(URI metrics, Instant since, RunningProcess walship) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            Map<String, Double> last = new TreeMap<>();
            Matcher m = LAST_SUCCESS.matcher(get(metrics));
            while (m.find()) {
                last.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            if (last.keySet().containsAll(DBS) && last.values().stream().allMatch(t -> t * 1000 > since.toEpochMilli() + 1000)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replicas did not sync after " + since + ": " + last + "\n" + walship.describe());
            }
            Thread.sleep(200);
        }
    }

    private static Map<String, String> nextSnapshots(URI metrics) throws Exception {
        Map<String, String> out = new TreeMap<>();
        Matcher m = NEXT_SNAPSHOT.matcher(get(metrics));
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    private static double iotExpiry(URI metrics) throws Exception {
        Matcher m = EXPIRY.matcher(get(metrics));
        assertThat(m.find()).as("credentials expiry metric of the iot replica").isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static void awaitLines(RunningProcess p, String text, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (p.countLines(text) < atLeast) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                throw new AssertionError("expected " + atLeast + " lines with \"" + text + "\"\n" + p.describe());
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the daemon has uploaded something for every database (each replica's first snapshot). */
    private static void awaitUploads(RunningProcess p, int dbs) throws InterruptedException {
        awaitLines(p, "snapshot written", dbs);
        Thread.sleep(2000);
    }
}

package io.walship.primary.replica;

import io.walship.primary.credentials.CredentialSettings;
import io.walship.primary.credentials.ReloadableCredentialsProvider;
import io.walship.primary.replica.ReplicaOperations.Operation;
import io.walship.protocol.ReplicaLayout;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * A replica in an S3 (or S3-compatible) bucket, laid out exactly as Litestream v0.3's S3 replica: keys
 * {@code <prefix>/generations/…}, listed with ListObjects v1 and delimiter {@code /} as Litestream does, and
 * deleted with quiet DeleteObjects batches of 1000. Objects carry no metadata or checksum headers, so either
 * tool reads what the other wrote. Creation time is the object's LastModified.
 */
public final class S3ReplicaClient implements ReplicaClient {
    /** S3's limit for keys per ListObjects page and per DeleteObjects request. */
    static final int MAX_KEYS_PER_REQUEST = 1000;
    static final int PART_SIZE = 8 * 1024 * 1024;
    // Bounded so an unreachable endpoint fails in ~15 s (3 attempts x 5 s connect) rather than minutes.
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ATTEMPTS = 3;

    private final S3Settings settings;
    private final int keysPerRequest;
    private final SdkHttpClient http;
    private final ReloadableCredentialsProvider credentials;
    private final S3Client s3;
    private final ReplicaOperations operations = ReplicaOperations.global();

    public S3ReplicaClient(S3Settings settings) {
        this(settings, MAX_KEYS_PER_REQUEST);
    }

    /** @param keysPerRequest listing page and delete batch size; smaller only so tests can cross page boundaries */
    S3ReplicaClient(S3Settings settings, int keysPerRequest) {
        this.settings = new S3Settings(settings.bucket(), normalizePrefix(settings.prefix()), settings.endpoint(),
                settings.region(), settings.forcePathStyle(), settings.credentials(), settings.skipVerify());
        this.keysPerRequest = keysPerRequest;
        this.http = httpClient(settings.skipVerify());
        this.credentials = new ReloadableCredentialsProvider(this.settings.toString(), settings.credentials());
        this.s3 = s3Client(this.settings, http, credentials);
    }

    /** Strips leading, trailing and duplicate slashes: Litestream v0.3 writes {@code /a} as {@code a} but lists {@code /a}. */
    static String normalizePrefix(String prefix) {
        if (prefix == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String part : prefix.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    @Override
    public String type() {
        return "s3";
    }

    @Override
    public String describe() {
        return settings.toString();
    }

    /** The object's own URL; the endpoint, when there is one, is part of {@link #describe()}. */
    @Override
    public String describe(String path) {
        return location(key(path));
    }

    @Override
    public List<String> generations() throws IOException {
        List<String> out = new ArrayList<>();
        String dir = ReplicaLayout.GENERATIONS + "/";
        list(dir, true, null, o -> { }, p -> {
            String name = childName(dir, p.prefix());
            if (name.endsWith("/") && ReplicaLayout.isGeneration(name.substring(0, name.length() - 1))) {
                out.add(name.substring(0, name.length() - 1));
            }
        });
        out.sort(Comparator.naturalOrder());
        return out;
    }

    @Override
    public List<SnapshotInfo> snapshots(String generation) throws IOException {
        List<SnapshotInfo> out = new ArrayList<>();
        String dir = ReplicaLayout.snapshotsDir(generation) + "/";
        list(dir, true, null, o -> {
            long index = ReplicaLayout.parseSnapshotName(childName(dir, o.key()));
            if (index >= 0) {
                out.add(new SnapshotInfo(generation, index, o.size(), o.lastModified()));
            }
        }, p -> { });
        out.sort(Comparator.comparingLong(SnapshotInfo::index));
        return out;
    }

    @Override
    public List<WalSegmentInfo> walSegments(String generation) throws IOException {
        return walSegmentsAfter(generation, null);
    }

    @Override
    public List<WalSegmentInfo> walSegmentsFrom(String generation, long index, long offset) throws IOException {
        // The name without its suffix sorts just before the segment's own key and after every earlier one
        // (fixed-width hex), so listing after it starts exactly at (index, offset).
        String name = ReplicaLayout.walSegmentName(index, offset);
        String before = name.substring(0, name.indexOf('.'));
        return walSegmentsAfter(generation, key(ReplicaLayout.walDir(generation) + "/" + before));
    }

    private List<WalSegmentInfo> walSegmentsAfter(String generation, String marker) throws IOException {
        List<WalSegmentInfo> out = new ArrayList<>();
        String dir = ReplicaLayout.walDir(generation) + "/";
        list(dir, true, marker, o -> {
            long[] io = ReplicaLayout.parseWalSegmentName(childName(dir, o.key()));
            if (io != null) {
                out.add(new WalSegmentInfo(generation, io[0], io[1], o.size(), o.lastModified()));
            }
        }, p -> { });
        out.sort(WalSegmentInfo.ORDER);
        return out;
    }

    @Override
    public void writeSnapshot(String generation, long index, ObjectBody compressed) throws IOException {
        String path = ReplicaLayout.snapshotPath(generation, index);
        S3MultipartOutputStream out = new S3MultipartOutputStream(s3, settings.bucket(), key(path), PART_SIZE);
        try {
            compressed.writeTo(out);
            out.finish();
            operations.succeeded(type(), Operation.PUT, out.size());
        } catch (IOException | RuntimeException e) {
            operations.failed(type(), Operation.PUT);
            try {
                out.abort();
            } catch (SdkException abortFailure) {
                e.addSuppressed(abortFailure);
            }
            if (e instanceof SdkException se) {
                throw S3Failures.translate(settings, "writing " + path, se);
            }
            throw new IOException(describe() + ": cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeWalSegment(String generation, long index, long offset, byte[] compressed) throws IOException {
        put(ReplicaLayout.walSegmentPath(generation, index, offset), compressed);
    }

    @Override
    public InputStream openSnapshot(String generation, long index) throws IOException {
        return open(ReplicaLayout.snapshotPath(generation, index));
    }

    @Override
    public InputStream openWalSegment(String generation, long index, long offset) throws IOException {
        return open(ReplicaLayout.walSegmentPath(generation, index, offset));
    }

    @Override
    public void deleteSnapshot(String generation, long index) throws IOException {
        deleteKeys(List.of(key(ReplicaLayout.snapshotPath(generation, index))));
    }

    @Override
    public void deleteWalSegments(String generation, List<WalSegmentInfo> segments) throws IOException {
        List<String> keys = new ArrayList<>(segments.size());
        for (WalSegmentInfo s : segments) {
            keys.add(key(ReplicaLayout.walSegmentPath(generation, s.index(), s.offset())));
        }
        deleteKeys(keys);
    }

    @Override
    public void deleteGeneration(String generation) throws IOException {
        List<String> keys = new ArrayList<>();
        list(ReplicaLayout.generationDir(generation) + "/", false, null, o -> keys.add(o.key()), p -> { });
        deleteKeys(keys);
    }

    @Override
    public byte[] readObject(String name) throws IOException {
        String key = key(name);
        try {
            byte[] body = s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key)).asByteArray();
            operations.succeeded(type(), Operation.GET, body.length);
            return body;
        } catch (NoSuchKeyException e) {
            return null;
        } catch (SdkException e) {
            operations.failed(type(), Operation.GET);
            throw S3Failures.translate(settings, "reading " + name, e);
        }
    }

    @Override
    public void writeObject(String name, byte[] body) throws IOException {
        put(name, body);
    }

    /** A plain single PutObject of {@code path} under the prefix. */
    private void put(String path, byte[] body) throws IOException {
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(key(path)), RequestBody.fromBytes(body));
            operations.succeeded(type(), Operation.PUT, body.length);
        } catch (SdkException e) {
            operations.failed(type(), Operation.PUT);
            throw S3Failures.translate(settings, "writing " + path, e);
        }
    }

    /**
     * A conditional PutObject: S3 answers 412 Precondition Failed when the key exists, also when it was this very
     * write whose first attempt landed but whose answer was lost (the SDK then retries): an object holding exactly
     * {@code body} counts as created.
     */
    @Override
    public boolean createObject(String name, byte[] body) throws IOException {
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(key(name)).ifNoneMatch("*"), RequestBody.fromBytes(body));
            operations.succeeded(type(), Operation.PUT, body.length);
            return true;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 412) {
                return Arrays.equals(readObject(name), body);
            }
            operations.failed(type(), Operation.PUT);
            throw S3Failures.translate(settings, "writing " + name, e);
        } catch (SdkException e) {
            operations.failed(type(), Operation.PUT);
            throw S3Failures.translate(settings, "writing " + name, e);
        }
    }

    @Override
    public void deleteObject(String name) throws IOException {
        deleteKeys(List.of(key(name)));
    }

    @Override
    public void reloadCredentials(CredentialSettings next) {
        credentials.reload(next);
    }

    @Override
    public CredentialSettings credentialSettings() {
        return credentials.settings();
    }

    @Override
    public Instant credentialsExpiry() {
        return credentials.expiration();
    }

    @Override
    public void close() {
        s3.close();
        http.close();
        credentials.close();
    }

    private String key(String path) {
        return settings.prefix().isEmpty() ? path : settings.prefix() + "/" + path;
    }

    private String childName(String dir, String fullKey) {
        return fullKey.substring(key(dir).length());
    }

    private String location(String key) {
        return "s3://" + settings.bucket() + "/" + key;
    }

    /**
     * Lists keys under {@code dir} (relative to the prefix, ending in "/") page by page with ListObjects v1;
     * with {@code delimited} only direct children are objects and deeper levels are common prefixes; with a
     * {@code startAfter} key only the keys after it.
     */
    private void list(String dir, boolean delimited, String startAfter, Consumer<S3Object> objects,
                      Consumer<CommonPrefix> prefixes) throws IOException {
        String listPrefix = key(dir);
        String marker = startAfter;
        try {
            while (true) {
                String from = marker;
                ListObjectsResponse page = s3.listObjects(b -> b.bucket(settings.bucket()).prefix(listPrefix)
                        .delimiter(delimited ? "/" : null).marker(from).maxKeys(keysPerRequest));
                operations.succeeded(type(), Operation.LIST, 0);
                page.contents().forEach(objects);
                page.commonPrefixes().forEach(prefixes);
                if (!Boolean.TRUE.equals(page.isTruncated())) {
                    return;
                }
                marker = nextMarker(page);
                if (marker == null) {
                    throw new IOException(describe() + ": listing " + dir + " failed (truncated page without a marker)");
                }
            }
        } catch (SdkException e) {
            operations.failed(type(), Operation.LIST);
            throw S3Failures.translate(settings, "listing " + dir, e);
        }
    }

    /** NextMarker is only sent with a delimiter; otherwise v1 resumes after the last key of the page. */
    private static String nextMarker(ListObjectsResponse page) {
        if (page.nextMarker() != null && !page.nextMarker().isEmpty()) {
            return page.nextMarker();
        }
        String last = page.contents().isEmpty() ? null : page.contents().get(page.contents().size() - 1).key();
        String lastPrefix = page.commonPrefixes().isEmpty() ? null
                : page.commonPrefixes().get(page.commonPrefixes().size() - 1).prefix();
        if (last == null || (lastPrefix != null && lastPrefix.compareTo(last) > 0)) {
            return lastPrefix;
        }
        return last;
    }

    private InputStream open(String path) throws IOException {
        String key = key(path);
        try {
            var body = s3.getObject(b -> b.bucket(settings.bucket()).key(key));
            Long length = body.response().contentLength();
            operations.succeeded(type(), Operation.GET, length == null ? 0 : length);
            return new S3ObjectInputStream(body, describe() + ": reading " + path);
        } catch (NoSuchKeyException e) {
            throw new ReplicaObjectNotFoundException(describe() + ": object not found: " + location(key));
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(code)) {
                throw new ReplicaObjectNotFoundException(describe() + ": object not found: " + location(key));
            }
            operations.failed(type(), Operation.GET);
            throw S3Failures.translate(settings, "reading " + path, e);
        } catch (SdkException e) {
            operations.failed(type(), Operation.GET);
            throw S3Failures.translate(settings, "reading " + path, e);
        }
    }

    /** Deletes in the given order, one quiet DeleteObjects per batch; missing keys are not an error in S3. */
    private void deleteKeys(List<String> keys) throws IOException {
        for (int from = 0; from < keys.size(); from += keysPerRequest) {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (String k : keys.subList(from, Math.min(keys.size(), from + keysPerRequest))) {
                batch.add(ObjectIdentifier.builder().key(k).build());
            }
            String what = "deleting " + location(batch.get(0).key())
                    + (batch.size() > 1 ? " and " + (batch.size() - 1) + " more" : "");
            DeleteObjectsResponse response;
            try {
                response = s3.deleteObjects(b -> b.bucket(settings.bucket()).delete(d -> d.objects(batch).quiet(true)));
            } catch (SdkException e) {
                operations.failed(type(), Operation.DELETE);
                throw S3Failures.translate(settings, what, e);
            }
            if (response.hasErrors() && !response.errors().isEmpty()) {
                operations.failed(type(), Operation.DELETE);
                S3Error first = response.errors().get(0);
                throw new IOException(describe() + ": " + what + " failed for " + response.errors().size()
                        + " objects, first " + location(first.key()) + " (" + first.code() + ": " + first.message() + ")");
            }
            operations.succeeded(type(), Operation.DELETE, 0);
        }
    }

    private static SdkHttpClient httpClient(boolean skipVerify) {
        UrlConnectionHttpClient.Builder builder = UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT);
        if (!skipVerify) {
            return builder.build();
        }
        // TRUST_ALL_CERTIFICATES also disables hostname checks, matching Go's InsecureSkipVerify in Litestream.
        return builder.buildWithDefaults(AttributeMap.builder()
                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE).build());
    }

    private static S3Client s3Client(S3Settings s, SdkHttpClient http, ReloadableCredentialsProvider credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(http)
                .credentialsProvider(credentials)
                .region(notBlank(s.region()) ? Region.of(s.region()) : Region.US_EAST_1)
                .forcePathStyle(s.forcePathStyle())
                // Litestream sends no checksum headers; many S3-compatible stores reject the SDK's default trailers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(MAX_ATTEMPTS))
                        .addExecutionInterceptor(new AuthFailureListener(credentials::invalidate)));
        if (s.endpoint() != null) {
            builder.endpointOverride(s.endpoint());
        } else if (!notBlank(s.region())) {
            // No region given: follow S3's redirect to the bucket's region instead of failing with 301.
            builder.crossRegionAccessEnabled(true);
        }
        return builder.build();
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}

package io.walship.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The embedded S3 server counts each request once, by operation, whatever the store does inside it. */
class S3RequestCountTest {
    @TempDir
    Path dir;

    @Test
    void everyRequestIsCountedOnceByOperation() throws Exception {
        try (S3Target s3 = S3Target.start(dir, "bucket")) {
            Map<String, Long> before = s3.requestCounts();
            try (var access = io.walship.embeddeds3.S3Access.connect(java.net.URI.create(s3.endpoint()), s3.accessKey(),
                    s3.secretKey())) {
                S3Client c = access.client();
                c.putObject(b -> b.bucket("bucket").key("a/1"), RequestBody.fromString("one"));
                c.putObject(b -> b.bucket("bucket").key("a/2"), RequestBody.fromString("two"));
                // A conditional put looks the key up first inside the server: still one request.
                assertThatThrownBy(() -> c.putObject(b -> b.bucket("bucket").key("a/2").ifNoneMatch("*"),
                        RequestBody.fromString("again"))).hasMessageContaining("412");
                assertThat(c.getObjectAsBytes(b -> b.bucket("bucket").key("a/1")).asUtf8String()).isEqualTo("one");
                assertThatThrownBy(() -> c.getObjectAsBytes(b -> b.bucket("bucket").key("missing")))
                        .isInstanceOf(NoSuchKeyException.class);
                c.headObject(b -> b.bucket("bucket").key("a/2"));
                assertThat(c.listObjectsV2(b -> b.bucket("bucket").prefix("a/")).contents()).hasSize(2);
                c.deleteObject(b -> b.bucket("bucket").key("a/1"));
                c.deleteObjects(b -> b.bucket("bucket").delete(d -> d.objects(o -> o.key("a/2"))));
            }
            Map<String, Long> counts = RequestsBench.difference(s3.requestCounts(), before);
            assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("PutObject", 3L, "GetObject", 2L,
                    "HeadObject", 1L, "ListObjectsV2", 1L, "DeleteObject", 1L, "DeleteObjects", 1L));
            assertThat(RequestsBench.kindOf("ListObjects")).isEqualTo(RequestsBench.Kind.LIST);
            assertThat(RequestsBench.kindOf("DeleteObjects")).isEqualTo(RequestsBench.Kind.DELETE);
        }
    }
}

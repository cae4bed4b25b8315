package io.walship.primary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.embeddeds3.EmbeddedS3;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Where the single-PutObject / multipart boundary lies, against a real S3Proxy. */
class S3MultipartOutputStreamTest {
    private static final int PART = S3ReplicaClient.PART_SIZE;
    private static final String BUCKET = "parts";
    private static EmbeddedS3 proxy;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = EmbeddedS3.start("access", "secret");
        proxy.createBucket(BUCKET);
    }

    @AfterAll
    static void stopProxy() throws Exception {
        proxy.stop();
    }

    private static boolean multipart(String key, int length) throws Exception {
        byte[] body = new byte[length];
        new Random(length).nextBytes(body);
        S3MultipartOutputStream out = new S3MultipartOutputStream(proxy.client(), BUCKET, key, PART);
        out.write(body);
        out.finish();
        assertThat(proxy.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray()).isEqualTo(body);
        return out.isMultipart();
    }

    @Test
    void anEmptyBodyIsOneEmptyObject() throws Exception {
        assertThat(multipart("empty", 0)).isFalse();
    }

    @Test
    void exactlyOnePartIsASinglePut() throws Exception {
        assertThat(multipart("one-part", PART)).isFalse();
    }

    @Test
    void oneByteMoreThanAPartIsMultipart() throws Exception {
        assertThat(multipart("two-parts", PART + 1)).isTrue();
        assertThat(proxy.client().headObject(b -> b.bucket(BUCKET).key("two-parts")).contentLength()).isEqualTo(PART + 1L);
    }

    @Test
    void abortingAStartedUploadLeavesNothing() throws Exception {
        S3MultipartOutputStream out = new S3MultipartOutputStream(proxy.client(), BUCKET, "aborted", PART);
        out.write(new byte[PART + 5]);
        assertThat(out.isMultipart()).isTrue();
        assertThat(proxy.client().listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).hasSize(1);
        out.abort();

        assertThat(proxy.client().listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
        assertThat(proxy.keys(BUCKET)).doesNotContain("aborted");
    }
}

package io.walship.embeddeds3;

import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Counts the object requests S3Proxy serves, by S3 operation. S3Proxy's request handlers make one store call per
 * request (PutObject → putBlob, GetObject → getBlob, ...), which is counted; the lookups a handler makes around it
 * (the existence check of a conditional put or get, the clean-up of multipart placeholders) are not requests and
 * go to the store uncounted, as does everything a store method does inside (every call is handed to the wrapped
 * store itself, never back through this one). S3Proxy's own request metrics would count at the HTTP layer, but
 * they need a Prometheus client that clashes with Micrometer's in a JVM that also runs walship. One
 * approximation: initiating a multipart upload also counts the placeholder object S3Proxy puts as a PutObject.
 */
final class CountingBlobStore extends ForwardingBlobStore {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    CountingBlobStore(BlobStore store) {
        super(store);
    }

    /** Requests so far by operation, in name order. */
    Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((op, n) -> out.put(op, n.sum()));
        return out;
    }

    private void count(String operation) {
        counts.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        count("PutObject");
        return delegate().putBlob(request, content);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        count("GetObject");
        return delegate().getBlob(request);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        count("HeadObject");
        return delegate().blobMetadata(request);
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        count("ListObjectsV2");
        return delegate().list(request);
    }

    @Override
    public ListObjectsResponse listV1(ListObjectsRequest request) {
        count("ListObjects");
        return delegate().listV1(request);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        count("DeleteObject");
        return delegate().removeBlob(request);
    }

    @Override
    public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest request) {
        count("DeleteObjects");
        return delegate().removeBlobs(request);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        count("CopyObject");
        return delegate().copyBlob(request);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        count("CreateMultipartUpload");
        return delegate().initiateMultipartUpload(request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream content) {
        count("UploadPart");
        return delegate().uploadMultipartPart(upload, request, content);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                                                                   CompleteMultipartUploadRequest request) {
        count("CompleteMultipartUpload");
        return delegate().completeMultipartUpload(upload, request);
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        count("AbortMultipartUpload");
        delegate().abortMultipartUpload(upload);
    }

    // A handler's lookups and clean-ups around its request: not requests themselves. (BlobStore's default
    // methods would otherwise run on this store and reach the counted ones.)

    @Override
    public HeadObjectResponse blobMetadataIfPresent(HeadObjectRequest request) {
        return delegate().blobMetadataIfPresent(request);
    }

    @Override
    public HeadObjectResponse blobMetadataIfPresent(String container, String name) {
        return delegate().blobMetadataIfPresent(container, name);
    }

    @Override
    public HeadObjectResponse blobMetadata(String container, String name) {
        return delegate().blobMetadata(container, name);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(String container, String name) {
        return delegate().getBlob(container, name);
    }

    @Override
    public ListObjectsV2Response list(String container) {
        return delegate().list(container);
    }

    @Override
    public void removeBlob(String container, String name) {
        delegate().removeBlob(container, name);
    }

    @Override
    public DeleteObjectResponse removeBlob(String container, String name, String versionId) {
        return delegate().removeBlob(container, name, versionId);
    }
}

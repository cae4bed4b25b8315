package io.walship.it;

import io.walship.embeddeds3.S3Access;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link S3InteropScenarios} against MinIO in a container, the image docker/compose.yaml runs. Needs a Docker
 * engine: without one the class is reported skipped, never passed, also under {@code CI=true} (Docker is not a
 * prerequisite the build installs; the in-process {@link S3InteropIT} always runs).
 */
@Testcontainers(disabledWithoutDocker = true)
class MinioInteropIT extends S3InteropScenarios {
    @Container
    private static final MinIOContainer MINIO = new MinIOContainer(DockerImageName.parse(ComposeFile.load().image("minio"))
            .asCompatibleSubstituteFor("minio/minio"))
            .withUserName(ACCESS)
            .withPassword(SECRET);

    private static S3Access access;

    @AfterAll
    static void closeClient() {
        if (access != null) {
            access.close();
        }
    }

    @Override
    S3Access s3() {
        if (access == null) {
            access = S3Access.connect(URI.create(MINIO.getS3URL()), ACCESS, SECRET);
        }
        return access;
    }
}

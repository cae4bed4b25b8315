package io.walship.primary.stream;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.walship.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * The stream server's TLS: its certificate chain and key (PEM), and for mutual TLS the CAs whose client
 * certificates it requires. Netty's {@code SslHandler} on the JDK's TLS (no netty-tcnative, dependencies.md §2).
 *
 * @param cert     PEM certificate chain, leaf first
 * @param key      PEM private key of {@code cert}, readable by its owner only
 * @param clientCa PEM CA certificates: every client must present a certificate they signed; null for none
 */
public record ServerTls(Path cert, Path key, Path clientCa) {

    public ServerTls {
        if (cert == null || key == null) {
            throw new IllegalArgumentException("TLS needs both a certificate and its key");
        }
    }

    /** Reads the files; every failure names the file. */
    SslContext context() throws IOException {
        SslContextBuilder b = SslContextBuilder.forServer(PemFiles.privateKey(key), PemFiles.certificates(cert))
                .sslProvider(SslProvider.JDK);
        if (clientCa != null) {
            b.trustManager(PemFiles.certificates(clientCa)).clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return b.build();
        } catch (SSLException e) {
            throw new IOException("cannot use TLS certificate " + cert + " with key " + key + ": " + e.getMessage(), e);
        }
    }
}

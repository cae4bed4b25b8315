package io.walship.primary.credentials;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * One HTTP client per device identity (the contents of its certificate, key and CA files; a token key by its URI),
 * shared by every IoT credential provider that uses it: each JDK HTTP client runs a selector thread, and a daemon
 * replicating hundreds of databases has a provider per replica. Clients are held weakly here, so one that no
 * provider uses any more (its files were rotated, its replicas removed) is dropped and its thread ends.
 */
final class DeviceHttpClients {
    private static final Map<String, WeakReference<HttpClient>> CLIENTS = new HashMap<>();

    private DeviceHttpClients() {
    }

    static synchronized HttpClient forDevice(IotSettings s, Duration connectTimeout) throws IOException {
        CLIENTS.values().removeIf(ref -> ref.get() == null);
        String identity = identity(s, connectTimeout);
        WeakReference<HttpClient> ref = CLIENTS.get(identity);
        HttpClient client = ref == null ? null : ref.get();
        if (client == null) {
            client = build(s, connectTimeout);
            CLIENTS.put(identity, new WeakReference<>(client));
        }
        return client;
    }

    private static HttpClient build(IotSettings s, Duration connectTimeout) throws IOException {
        return HttpClient.newBuilder().sslContext(DeviceTls.context(s)).connectTimeout(connectTimeout).build();
    }

    /** A digest of what the TLS context is made of; never the key itself. */
    private static String identity(IotSettings s, Duration connectTimeout) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // In DeviceTls's order, so a missing file is named the same way.
            byte[] cert = Files.readAllBytes(s.cert());
            byte[] key = s.keyIsPkcs11() ? s.key().getBytes(StandardCharsets.UTF_8)
                    : Files.readAllBytes(Path.of(s.key()));
            for (byte[] part : new byte[][] {cert, key, s.ca() == null ? new byte[0] : Files.readAllBytes(s.ca())}) {
                sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array());
                sha.update(part);
            }
            return HexFormat.of().formatHex(sha.digest()) + "/" + connectTimeout.toMillis();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

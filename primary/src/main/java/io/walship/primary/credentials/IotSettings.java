package io.walship.primary.credentials;

import io.walship.primary.credentials.pkcs11.Pkcs11Uri;
import java.nio.file.Path;

/**
 * How to reach the AWS IoT credential provider: {@code GET https://ENDPOINT/role-aliases/ROLE_ALIAS/credentials}
 * with header {@code x-amzn-iot-thingname}, authenticated by the device certificate over mutual TLS.
 *
 * @param endpoint  the account's credentials endpoint ({@code xxxx.credentials.iot.REGION.amazonaws.com}),
 *                  optionally with {@code https://} and a port
 * @param roleAlias the role alias the device certificate's policy allows
 * @param thingName the thing the certificate is attached to (sent as {@code x-amzn-iot-thingname}), or null
 * @param cert      the device certificate chain (PEM)
 * @param key       the device private key: a PEM file (PKCS#8, PKCS#1 RSA or SEC1 EC), or a {@code pkcs11:} URI
 *                  ({@link Pkcs11Uri})
 * @param ca        the CA certificates that sign the endpoint's TLS certificate (PEM), or null for the JDK's trust store
 */
public record IotSettings(String endpoint, String roleAlias, String thingName, Path cert, String key, Path ca) {

    /** True when the key lives in a hardware token rather than a file. */
    public boolean keyIsPkcs11() {
        return Pkcs11Uri.isPkcs11(key);
    }

    /** The key for messages: the file, or the URI with its {@code pin-value} masked. */
    public String keyDescription() {
        return keyIsPkcs11() ? Pkcs11Uri.redact(key) : key;
    }

    @Override
    public String toString() {
        return "IotSettings[endpoint=" + endpoint + ", roleAlias=" + roleAlias + ", thingName=" + thingName
                + ", cert=" + cert + ", key=" + keyDescription() + ", ca=" + ca + "]";
    }
}

package io.walship.primary.credentials;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The client side of mutual TLS with exactly one identity: the device certificate chain and its key. The key may
 * live on a PKCS#11 token, where it cannot be put into a key store file, so this stands in for a key store.
 */
final class DeviceKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "device";

    private final X509Certificate[] chain;
    private final PrivateKey key;

    DeviceKeyManager(List<X509Certificate> chain, PrivateKey key) {
        this.chain = chain.toArray(X509Certificate[]::new);
        this.key = key;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return choose(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return choose(keyTypes);
    }

    /** Offered for the key types TLS asks about that are the key's own (RSA, EC, …). */
    private String choose(String[] keyTypes) {
        return keyTypes == null || List.of(keyTypes).contains(key.getAlgorithm()) ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return key.getAlgorithm().equals(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}

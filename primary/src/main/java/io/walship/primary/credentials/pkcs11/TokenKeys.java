package io.walship.primary.credentials.pkcs11;

import io.walship.primary.credentials.pkcs11.Cryptoki.KeyObject;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The private key a PKCS#11 URI names, as a JCA key whose operations run on the token: the key never leaves it.
 * The token is found by its URI attributes among the module's slots, logged in with the URI's PIN, and the key
 * found by label and/or id. SunPKCS11 hands out only private keys stored next to a certificate with the same
 * CKA_ID (how tools import a key with its certificate); that certificate only pairs the key — the TLS client
 * presents the one from {@code iot.cert}.
 */
public final class TokenKeys {
    private TokenKeys() {
    }

    /** @throws IOException with a one-line message naming token and key, never the PIN */
    public static PrivateKey privateKey(String uriText) throws IOException {
        Pkcs11Uri uri;
        try {
            uri = Pkcs11Uri.parse(uriText);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        Cryptoki module = Cryptoki.load(uri.modulePath(), uri.initArgs());
        TokenInfo token = token(module, uri);
        char[] pin = uri.pin();
        KeyStore ks;
        try {
            ks = TokenProvider.of(module, token).login(pin);
        } finally {
            if (pin != null) {
                Arrays.fill(pin, '\0');
            }
        }
        KeyObject key = key(module, token, uri);
        return entry(ks, module.certificates(token.slot(), key.id()), token, uri);
    }

    private static TokenInfo token(Cryptoki module, Pkcs11Uri uri) throws IOException {
        List<TokenInfo> present = new ArrayList<>();
        for (long slot : module.slotsWithTokens()) {
            present.add(module.tokenInfo(slot));
        }
        List<TokenInfo> matching = present.stream().filter(t -> t.matches(uri)).toList();
        if (present.isEmpty()) {
            throw new IOException("no token present in PKCS#11 module " + module.library());
        }
        if (matching.isEmpty()) {
            throw new IOException("no token matches " + uri.tokenName() + " in PKCS#11 module " + module.library()
                    + " (tokens present: " + list(present) + ")");
        }
        if (matching.size() > 1) {
            throw new IOException(matching.size() + " tokens match " + uri.tokenName() + " in PKCS#11 module "
                    + module.library() + ": " + list(matching) + "; choose one with token=LABEL");
        }
        return matching.get(0);
    }

    private static KeyObject key(Cryptoki module, TokenInfo token, Pkcs11Uri uri) throws IOException {
        List<KeyObject> keys = module.privateKeys(token.slot(), uri.object(), uri.id());
        if (keys.isEmpty()) {
            List<KeyObject> all = module.privateKeys(token.slot(), null, null);
            throw new IOException("no private key " + uri.keyName() + " on token " + token
                    + (all.isEmpty() ? " (it holds none)" : " (private keys there: " + names(all) + ")"));
        }
        if (keys.size() > 1) {
            throw new IOException(keys.size() + " private keys on token " + token + " match " + uri.keyName() + ": "
                    + names(keys) + "; choose one with object=LABEL or id=…");
        }
        return keys.get(0);
    }

    private static PrivateKey entry(KeyStore ks, List<byte[]> paired, TokenInfo token, Pkcs11Uri uri) throws IOException {
        try {
            for (String alias : Collections.list(ks.aliases())) {
                Certificate c = ks.getCertificate(alias);
                if (ks.isKeyEntry(alias) && c != null && paired.stream().anyMatch(der -> Arrays.equals(der, encoded(c)))) {
                    return (PrivateKey) ks.getKey(alias, null);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read key " + uri.keyName() + " on token " + token + ": " + Cryptoki.reason(e), e);
        }
        throw new IOException("private key " + uri.keyName() + " on token " + token + " has no certificate with the"
                + " same CKA_ID there, and SunPKCS11 only uses keys that have one: store the device certificate on"
                + " the token with the key's id (e.g. p11tool --write --load-certificate=device.pem.crt --id=…)");
    }

    private static byte[] encoded(Certificate c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            return new byte[0];
        }
    }

    private static String list(List<TokenInfo> tokens) {
        return tokens.stream().map(TokenInfo::toString).collect(Collectors.joining(", "));
    }

    private static String names(List<KeyObject> keys) {
        return keys.stream()
                .map(k -> k.label() != null ? "object=" + k.label() : "id=" + Pkcs11Uri.percentHex(k.id()))
                .collect(Collectors.joining(", "));
    }
}

package io.walship.primary.credentials.pkcs11;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.InvalidParameterException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import javax.security.auth.login.LoginException;

/**
 * The SunPKCS11 provider of one token, made once per module and slot and added to the installed providers (TLS
 * signs through whichever installed provider accepts the key). PKCS#11 keeps one login per process and token,
 * shared by every config a SIGHUP brings, so this class also decides about logging in:
 * <ul>
 * <li>the PIN of the login in force: nothing to do;</li>
 * <li>another PIN: log out and in with it; if the token refuses it, back in with the previous one, so the keys
 *     other replicas took from this token keep working while the error is reported;</li>
 * <li>a PIN the token refused before is not tried again: tokens lock after a few wrong PINs, and the credentials
 *     are set up again at every upload attempt. A changed PIN (SIGHUP) is tried once.</li>
 * </ul>
 * The PIN of the login in force stays in memory for that; refused ones only as a hash. None is ever logged.
 */
final class TokenProvider {
    private static final Map<String, TokenProvider> OPEN = new HashMap<>();
    private static int providers;

    private final AuthProvider provider;
    private final TokenInfo token;
    private final Set<String> refused = new HashSet<>();
    private char[] pin;

    private TokenProvider(AuthProvider provider, TokenInfo token) {
        this.provider = provider;
        this.token = token;
    }

    static synchronized TokenProvider of(Cryptoki module, TokenInfo token) throws IOException {
        String key = module.library() + "#" + token.slot();
        TokenProvider p = OPEN.get(key);
        if (p == null) {
            p = new TokenProvider(configure(module, token), token);
            OPEN.put(key, p);
        }
        return p;
    }

    /** The token's key store, logged in with {@code pin} (null: the token must need none, or be logged in already). */
    synchronized KeyStore login(char[] pin) throws IOException {
        String hash = hash(pin);
        if (refused.contains(hash)) {
            throw new IOException("wrong PIN for token " + token + " (refused before; not tried again so that the"
                    + " token does not lock: correct the PIN and reload)");
        }
        KeyStore ks = keyStore();
        boolean otherPin = this.pin != null && !Arrays.equals(this.pin, pin);
        if (otherPin) {
            logout();
        }
        try {
            ks.load(null, pin);
        } catch (IOException | GeneralSecurityException e) {
            String reason = Cryptoki.reason(e);
            if (otherPin) {
                restore(ks);
            }
            if (reason.startsWith("CKR_PIN_INCORRECT") || reason.startsWith("CKR_PIN_INVALID")
                    || reason.startsWith("CKR_PIN_LEN_RANGE")) {
                refused.add(hash);
                throw new IOException("wrong PIN for token " + token, e);
            }
            if (reason.startsWith("CKR_PIN_LOCKED")) {
                throw new IOException("the PIN of token " + token + " is locked (CKR_PIN_LOCKED); unlock it with"
                        + " the token's own tools", e);
            }
            if (pin == null) {
                throw new IOException("token " + token + " needs a PIN: add pin-source=FILE (or pin-value=PIN)", e);
            }
            throw new IOException("cannot log in to token " + token + ": " + reason, e);
        }
        if (this.pin != null) {
            Arrays.fill(this.pin, '\0');
        }
        this.pin = pin == null ? null : pin.clone();
        return ks;
    }

    private KeyStore keyStore() throws IOException {
        try {
            return KeyStore.getInstance("PKCS11", provider);
        } catch (KeyStoreException e) {
            throw new IOException("token " + token + " offers no key store: " + Cryptoki.reason(e), e);
        }
    }

    private void logout() {
        try {
            provider.logout();
        } catch (LoginException e) {
            // Logging in again tells whether the new PIN works; a failed logout only means it is not needed.
        }
    }

    /** Back to the login the keys already handed out depend on. */
    private void restore(KeyStore ks) {
        try {
            ks.load(null, pin);
        } catch (IOException | GeneralSecurityException e) {
            // The token may have gone; the next key set-up reports that.
        }
    }

    private static AuthProvider configure(Cryptoki module, TokenInfo token) throws IOException {
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new IOException("this JVM has no SunPKCS11 provider");
        }
        if (module.library().toString().contains("\"")) {
            throw new IOException("module-path must not contain a double quote");
        }
        // The module is initialised already (Cryptoki): SunPKCS11 finds it by its path and shares that instance.
        String config = "--name = walship-" + (++providers) + "\nlibrary = \"" + module.library() + "\"\nslot = "
                + token.slot() + "\n";
        try {
            Provider p = base.configure(config);
            Security.addProvider(p);
            return (AuthProvider) p;
        } catch (InvalidParameterException | ProviderException e) {
            throw new IOException("cannot open token " + token + ": " + Cryptoki.reason(e), e);
        }
    }

    private static String hash(char[] pin) {
        if (pin == null) {
            return "";
        }
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(pin));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        } finally {
            Arrays.fill(bytes.array(), (byte) 0);
        }
    }
}

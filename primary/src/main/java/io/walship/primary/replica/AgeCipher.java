package io.walship.primary.replica;

import com.exceptionfactory.jagged.PayloadException;
import com.exceptionfactory.jagged.UnsupportedRecipientStanzaException;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * age (age-encryption.org/v1) around a replica object's LZ4 frame, the way Litestream v0.3.13 does it: the
 * uploaded bytes are age(LZ4(data)). Reading tells an encrypted object from a plain one by its first bytes (age's
 * header line vs the LZ4 magic), so a replica whose encryption was switched on or off part-way still restores.
 * Both directions stream in age's 64 KiB chunks.
 */
public final class AgeCipher {
    private static final byte[] INTRO = "age-encryption.org/".getBytes(StandardCharsets.US_ASCII);

    private final AgeKeys keys;

    public AgeCipher(AgeKeys keys) {
        this.keys = keys;
    }

    /** True when uploads are encrypted (recipients configured). */
    public boolean encrypts() {
        return !keys.recipients().isEmpty();
    }

    /** An encrypting stream over {@code out}; closing it writes the final chunk but leaves {@code out} open. */
    public OutputStream encrypt(OutputStream out) throws IOException {
        try {
            return Channels.newOutputStream(new StandardEncryptingChannelFactory()
                    .newEncryptingChannel(Channels.newChannel(new KeepOpenOutputStream(out)), keys.recipients()));
        } catch (GeneralSecurityException e) {
            throw new IOException("age encryption failed: " + e.getMessage(), e);
        }
    }

    /** {@code data} encrypted whole (WAL segments are built in memory anyway). */
    public byte[] encrypt(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 512);
        try (OutputStream enc = encrypt(out)) {
            enc.write(data);
        }
        return out.toByteArray();
    }

    /**
     * The plain bytes of stored object {@code name}: decrypted if it is age-encrypted, as stored otherwise.
     * Failures name the object: no identity, no matching identity, a damaged header, a damaged or cut payload.
     */
    public InputStream decrypt(InputStream stored, String name) throws IOException {
        PushbackInputStream in = new PushbackInputStream(stored, INTRO.length);
        try {
            byte[] start = in.readNBytes(INTRO.length);
            in.unread(start);
            if (!Arrays.equals(start, INTRO)) {
                return in;
            }
            if (keys.identities().isEmpty() && encrypts()) {
                throw new AgeIdentityRequiredException(name + ": replica is age-encrypted; no age identity configured"
                        + " (age.recipients only encrypt; reading needs age.identities)");
            }
            if (keys.identities().isEmpty()) {
                throw new IOException(name + ": replica is age-encrypted; no age identity configured"
                        + " (give the replica an age: block with identities)");
            }
            return new PayloadErrors(Channels.newInputStream(open(in, name)), name);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private ReadableByteChannel open(InputStream in, String name) throws IOException {
        try {
            return new StandardDecryptingChannelFactory().newDecryptingChannel(Channels.newChannel(in), keys.identities());
        } catch (UnsupportedRecipientStanzaException e) {
            throw new IOException(name + ": replica is age-encrypted; no matching identity (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IOException(name + ": corrupted age header: " + e.getMessage(), e);
        }
    }

    /** Names the object in jagged's payload failures (a flipped bit, a cut or extended ciphertext). */
    private static final class PayloadErrors extends FilterInputStream {
        private final String name;

        PayloadErrors(InputStream in, String name) {
            super(in);
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (PayloadException e) {
                throw corrupted(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (PayloadException e) {
                throw corrupted(e);
            }
        }

        private IOException corrupted(PayloadException e) {
            return new IOException(name + ": age ciphertext corrupted or truncated: " + e.getMessage(), e);
        }
    }
}

package io.walship.primary.replica;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import io.walship.primary.config.AgeConfig;
import io.walship.primary.config.ConfigException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The X25519 keys of a replica's {@code age:} block, read like Litestream v0.3.13 reads them (age's
 * ParseIdentities/ParseRecipients): every entry is text with one key per line, blank lines and {@code #} comments
 * skipped, and at least one key. Problems name the entry and line, never an identity's text.
 */
public record AgeKeys(List<RecipientStanzaReader> identities, List<RecipientStanzaWriter> recipients) {
    /** No {@code age:} block: nothing is encrypted, and nothing encrypted can be read. */
    public static final AgeKeys NONE = new AgeKeys(List.of(), List.of());
    private static final String IDENTITY_PREFIX = "AGE-SECRET-KEY-1";

    public AgeKeys {
        identities = List.copyOf(identities);
        recipients = List.copyOf(recipients);
    }

    /** Parses the block; {@link ConfigException} on {@code age.identities[i]} or {@code age.recipients[i]}. */
    public static AgeKeys parse(AgeConfig age) {
        List<RecipientStanzaReader> identities = new ArrayList<>();
        for (int i = 0; i < age.identities().size(); i++) {
            String key = "age.identities[" + i + "]";
            for (Line l : lines(key, age.identities().get(i), "identity")) {
                try {
                    identities.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(l.text()));
                } catch (GeneralSecurityException | RuntimeException e) {
                    // The text may be a damaged secret key: say where, never what.
                    throw new ConfigException(key, "line " + l.number() + " is not an age X25519 identity (expected "
                            + IDENTITY_PREFIX + "...)");
                }
            }
        }
        List<RecipientStanzaWriter> recipients = new ArrayList<>();
        for (int i = 0; i < age.recipients().size(); i++) {
            String key = "age.recipients[" + i + "]";
            for (Line l : lines(key, age.recipients().get(i), "recipient")) {
                if (l.text().toUpperCase(Locale.ROOT).startsWith(IDENTITY_PREFIX)) {
                    throw new ConfigException(key, "line " + l.number()
                            + " is an age identity (a secret key); recipients are public keys (age1...)");
                }
                try {
                    recipients.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(l.text()));
                } catch (GeneralSecurityException | RuntimeException e) {
                    throw new ConfigException(key, "line " + l.number() + ": invalid age X25519 recipient \"" + l.text()
                            + "\" (expected age1...): " + e.getMessage());
                }
            }
        }
        return new AgeKeys(identities, recipients);
    }

    private record Line(int number, String text) {
    }

    private static List<Line> lines(String key, String entry, String what) {
        List<Line> out = new ArrayList<>();
        String[] lines = entry.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String text = lines[n].strip();
            if (!text.isEmpty() && !text.startsWith("#")) {
                out.add(new Line(n + 1, text));
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(key, "no age " + what + " found");
        }
        return out;
    }
}

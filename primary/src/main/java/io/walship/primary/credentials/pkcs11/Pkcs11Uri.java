package io.walship.primary.credentials.pkcs11;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A private key named by an RFC 7512 PKCS#11 URI, e.g.
 * {@code pkcs11:token=walship;object=device?module-path=/usr/lib/libtpm2_pkcs11.so&pin-source=/etc/walship/pin}.
 * <ul>
 * <li>path attributes choose the token ({@code token}, {@code manufacturer}, {@code serial}, {@code model},
 *     {@code slot-id}) and the key on it ({@code object} = its label, {@code id}, {@code type=private}); an attribute
 *     left out matches anything;</li>
 * <li>query attributes: {@code module-path} (the PKCS#11 library, required), {@code pin-value} or
 *     {@code pin-source} (a file holding the PIN), and walship's own {@code x-nss-db} (the database directory NSS's
 *     softokn needs as its initialisation argument).</li>
 * </ul>
 * Values are percent-decoded ({@code id=%01%a2}, {@code token=My%20Token}). An attribute walship does not know is an
 * error rather than ignored, so a key is never picked by a looser match than the URI asked for.
 */
public record Pkcs11Uri(String token, String manufacturer, String serial, String model, Long slotId, String object,
                        byte[] id, Path modulePath, String pinValue, String pinSource, String nssDb) {
    private static final String SCHEME = "pkcs11:";
    private static final List<String> PATH_ATTRIBUTES =
            List.of("token", "manufacturer", "serial", "model", "slot-id", "object", "id", "type");
    private static final List<String> QUERY_ATTRIBUTES = List.of("module-path", "pin-value", "pin-source", "x-nss-db");

    public static boolean isPkcs11(String key) {
        return key != null && key.startsWith(SCHEME);
    }

    /** Parses without touching any file; the message of the exception is one line and never holds the PIN. */
    public static Pkcs11Uri parse(String uri) {
        if (!isPkcs11(uri)) {
            throw new IllegalArgumentException("a PKCS#11 URI starts with \"pkcs11:\"");
        }
        String rest = uri.substring(SCHEME.length());
        int q = rest.indexOf('?');
        Map<String, byte[]> a = new LinkedHashMap<>();
        attributes(q < 0 ? rest : rest.substring(0, q), ";", PATH_ATTRIBUTES, a);
        attributes(q < 0 ? "" : rest.substring(q + 1), "&", QUERY_ATTRIBUTES, a);
        if (a.containsKey("type") && !text(a, "type").equals("private")) {
            throw new IllegalArgumentException("type=" + text(a, "type") + " names no private key; use type=private or leave it out");
        }
        if (a.containsKey("pin-value") && a.containsKey("pin-source")) {
            throw new IllegalArgumentException("give pin-value or pin-source, not both");
        }
        if (!a.containsKey("module-path")) {
            throw new IllegalArgumentException("module-path=… is required (the token's PKCS#11 library, e.g."
                    + " /usr/lib/aarch64-linux-gnu/pkcs11/libtpm2_pkcs11.so)");
        }
        Path module = Path.of(text(a, "module-path"));
        if (!module.isAbsolute()) {
            throw new IllegalArgumentException("module-path must be an absolute path");
        }
        return new Pkcs11Uri(text(a, "token"), text(a, "manufacturer"), text(a, "serial"), text(a, "model"),
                slotId(text(a, "slot-id")), text(a, "object"), a.get("id"), module, text(a, "pin-value"),
                text(a, "pin-source"), text(a, "x-nss-db"));
    }

    /** The URI with the value of {@code pin-value} masked, for logs and toString. */
    public static String redact(String uri) {
        return uri.replaceAll("([?&]pin-value=)[^&]*", "$1***");
    }

    /**
     * The PIN, or null when the URI names none. A {@code pin-source} file is read at each call (a SIGHUP picks up a
     * new one); one trailing line break is not part of the PIN.
     */
    public char[] pin() throws IOException {
        if (pinValue != null) {
            return pinValue.toCharArray();
        }
        if (pinSource == null) {
            return null;
        }
        Path file = Path.of(pinSource.startsWith("file:") ? pinSource.replaceFirst("^file:(//)?", "") : pinSource);
        String pin;
        try {
            pin = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read pin-source " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        return pin.replaceFirst("\\r?\\n$", "").toCharArray();
    }

    /** The arguments handed to C_Initialize: NSS's softokn takes its database there, other modules take none. */
    public String initArgs() {
        if (nssDb == null) {
            return null;
        }
        String dir = nssDb.startsWith("sql:") || nssDb.startsWith("dbm:") ? nssDb : "sql:" + nssDb;
        return "configdir='" + dir + "' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly";
    }

    /** The key in the words of the URI, without module or PIN: {@code object=device;id=%01}. */
    public String keyName() {
        StringJoiner s = new StringJoiner(";");
        if (object != null) {
            s.add("object=" + object);
        }
        if (id != null) {
            s.add("id=" + percentHex(id));
        }
        return s.length() == 0 ? "any private key" : s.toString();
    }

    /** The token attributes of the URI: {@code token=walship;serial=0042}. */
    public String tokenName() {
        StringJoiner s = new StringJoiner(";");
        add(s, "token", token);
        add(s, "manufacturer", manufacturer);
        add(s, "serial", serial);
        add(s, "model", model);
        add(s, "slot-id", slotId == null ? null : slotId.toString());
        return s.length() == 0 ? "any token" : s.toString();
    }

    @Override
    public String toString() {
        return SCHEME + tokenName() + ";" + keyName() + "?module-path=" + modulePath;
    }

    private static void add(StringJoiner s, String name, String value) {
        if (value != null) {
            s.add(name + "=" + value);
        }
    }

    static String percentHex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append('%').append(HexFormat.of().toHexDigits(b));
        }
        return sb.toString();
    }

    private static void attributes(String part, String separator, List<String> known, Map<String, byte[]> out) {
        if (part.isEmpty()) {
            return;
        }
        for (String attribute : part.split(separator, -1)) {
            int eq = attribute.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("\"" + (attribute.startsWith("pin-value") ? "pin-value" : attribute)
                        + "\" is not an attribute (NAME=VALUE)");
            }
            String name = attribute.substring(0, eq);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unsupported attribute " + name + " (walship knows "
                        + String.join(", ", known) + ")");
            }
            if (out.put(name, decode(name, attribute.substring(eq + 1))) != null) {
                throw new IllegalArgumentException(name + " is given twice");
            }
        }
    }

    private static byte[] decode(String name, String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != '%') {
                out.write(raw[i]);
                continue;
            }
            if (i + 2 >= raw.length || Character.digit(raw[i + 1], 16) < 0 || Character.digit(raw[i + 2], 16) < 0) {
                throw new IllegalArgumentException("bad percent-encoding in " + name);
            }
            out.write(Character.digit(raw[i + 1], 16) * 16 + Character.digit(raw[i + 2], 16));
            i += 2;
        }
        return out.toByteArray();
    }

    private static String text(Map<String, byte[]> a, String name) {
        byte[] v = a.get(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private static Long slotId(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("slot-id must be a decimal number, not \"" + s + "\"");
        }
    }
}

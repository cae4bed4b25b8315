package io.walship.primary.replica;

import io.walship.primary.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A replica URL taken apart ({@code SCHEME://[USER@]HOST[:PORT]/PATH[?QUERY]}), without interpreting it for a
 * replica type. Errors are {@link ConfigException}s on the key {@code url} that quote the URL.
 *
 * @param scheme   lower-case scheme, e.g. {@code s3}
 * @param userInfo the part before {@code @} in the authority, or null
 * @param host     host name without port ("" when absent)
 * @param port     port, or -1 when absent
 * @param path     percent-decoded path as written, starting with {@code /} unless empty
 * @param query    decoded query parameters (last value wins)
 */
public record ReplicaUrl(String scheme, String userInfo, String host, int port, String path, Map<String, String> query) {
    // Litestream's test for "is this argument a URL rather than a path".
    private static final Pattern LOOKS_LIKE_URL = Pattern.compile("^\\w+://.*", Pattern.DOTALL);
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", Pattern.DOTALL);
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@", Pattern.DOTALL);
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "([?&][^=&#]*(?i:secret|key|token|password|credential)[^=&#]*=)[^&#]*");

    /** True if {@code s} starts like {@code word://}, as Litestream decides between a DB path and a replica URL. */
    public static boolean isUrl(String s) {
        return s != null && LOOKS_LIKE_URL.matcher(s).matches();
    }

    public static ReplicaUrl parse(String url) {
        Matcher m = SCHEME.matcher(url);
        if (!m.matches()) {
            throw invalid(url, "expected SCHEME://..., e.g. s3://BUCKET/PATH or file:///DIR");
        }
        String rest = m.group(2);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        String rawQuery = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            rawQuery = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        String rawPath = slash >= 0 ? rest.substring(slash) : "";
        String userInfo = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
        }
        String host = authority;
        int port = -1;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && !authority.endsWith("]")) {
            host = authority.substring(0, colon);
            port = parsePort(url, authority.substring(colon + 1));
        }
        return new ReplicaUrl(m.group(1).toLowerCase(java.util.Locale.ROOT), userInfo, host, port,
                decodePath(url, rawPath), parseQuery(url, rawQuery));
    }

    /** Host and port as written, e.g. {@code bucket.localhost:9000}. */
    public String hostAndPort() {
        return port < 0 ? host : host + ":" + port;
    }

    /**
     * An S3 key prefix from a URL or YAML path: POSIX-cleaned, with leading and duplicate slashes removed
     * (replica-format.md §1.3: a leading slash makes Litestream list under a prefix it never wrote to).
     */
    public static String cleanPrefix(String path) {
        if (path == null) {
            return "";
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(p);
            }
        }
        return String.join("/", parts);
    }

    /** POSIX-cleans an absolute path, as Go's {@code path.Clean}. */
    static String cleanAbsolute(String path) {
        return "/" + cleanPrefix(path);
    }

    static ConfigException invalid(String url, String problem) {
        return new ConfigException("url", "invalid replica URL \"" + redacted(url) + "\": " + problem);
    }

    /** The URL as messages may quote it: user info and credential-like query values (a secret, a key) masked. */
    static String redacted(String url) {
        String masked = USER_INFO.matcher(url).replaceFirst("$1REDACTED@");
        return SECRET_PARAMETER.matcher(masked).replaceAll("$1REDACTED");
    }

    private static int parsePort(String url, String port) {
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535 || Integer.parseInt(port) == 0) {
            throw invalid(url, "invalid port \"" + port + "\"");
        }
        return Integer.parseInt(port);
    }

    private static String decodePath(String url, String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '%') {
                out.write(bytes[i]);
                continue;
            }
            if (i + 2 >= bytes.length || Character.digit(bytes[i + 1], 16) < 0 || Character.digit(bytes[i + 2], 16) < 0) {
                throw invalid(url, "invalid escape in path");
            }
            out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> parseQuery(String url, String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq >= 0 ? pair.substring(0, eq) : pair, StandardCharsets.UTF_8);
                String v = eq >= 0 ? URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8) : "";
                out.put(k, v);
            } catch (IllegalArgumentException e) {
                throw invalid(url, "invalid escape in query");
            }
        }
        return out;
    }
}

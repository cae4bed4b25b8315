package io.walship.follower;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A primary's database as a follower names it: {@code http://HOST:PORT/NAME} (or https). The stream is at
 * {@code /stream/NAME} on that server. NAME may have several segments ({@code tenants/app.db}: a database the
 * primary found under a {@code dir} entry is named by its relative path).
 *
 * @param base the server, {@code http://HOST:PORT}
 * @param name the database name the primary serves
 */
public record UpstreamUrl(URI base, String name) {
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    public static UpstreamUrl parse(String url) {
        // messages quote the URL, so never with credentials in it
        String text = USER_INFO.matcher(url).replaceFirst("$1REDACTED@");
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid primary URL \"" + text + "\": " + e.getReason());
        }
        if (u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("invalid primary URL \"" + text + "\": credentials in the URL are not"
                    + " supported; use the token (-token, upstream.token)");
        }
        String scheme = u.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("invalid primary URL \"" + text + "\": expected http://HOST:PORT/NAME");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("invalid primary URL \"" + text + "\": no host");
        }
        String path = u.getPath() == null ? "" : u.getPath();
        String name = path.startsWith("/") ? path.substring(1) : path;
        if (Arrays.stream(name.split("/", -1)).anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
            throw new IllegalArgumentException("invalid primary URL \"" + text
                    + "\": expected http://HOST:PORT/NAME with the database name as the path");
        }
        if (u.getQuery() != null || u.getFragment() != null) {
            throw new IllegalArgumentException("invalid primary URL \"" + text + "\": no query or fragment expected");
        }
        URI base = URI.create(scheme + "://" + u.getRawAuthority());
        return new UpstreamUrl(base, name);
    }

    /** The stream request for a follower at {@code pos} (null: it has nothing and needs a snapshot). */
    public URI streamUri(io.walship.protocol.Pos pos) {
        return URI.create(base + "/stream/" + name + (pos == null ? "" : "?pos=" + pos));
    }

    public boolean isHttps() {
        return "https".equals(base.getScheme());
    }

    /**
     * True for plain {@code http://} to anything but this machine: the token and the database would cross a
     * network unencrypted. Decided from the URL alone ({@code localhost} or a loopback IP literal), never by a
     * DNS lookup.
     */
    public boolean plainOverNetwork() {
        return !isHttps() && !isLoopback(base.getHost());
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        boolean v6 = host.startsWith("[") && host.endsWith("]");
        if (!v6 && !IPV4.matcher(host).matches()) {
            return false;
        }
        try {
            // an IP literal: parsed, not looked up
            return InetAddress.getByName(v6 ? host.substring(1, host.length() - 1) : host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return base + "/" + name;
    }
}

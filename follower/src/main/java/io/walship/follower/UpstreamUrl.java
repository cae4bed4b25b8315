package io.walship.follower;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;

/**
 * A primary's database as a follower names it: {@code http://HOST:PORT/NAME} (or https). The stream is at
 * {@code /stream/NAME} on that server. NAME may have several segments ({@code tenants/app.db}: a database the
 * primary found under a {@code dir} entry is named by its relative path).
 *
 * @param base the server, {@code http://HOST:PORT}
 * @param name the database name the primary serves
 */
public record UpstreamUrl(URI base, String name) {

    public static UpstreamUrl parse(String text) {
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid primary URL \"" + text + "\": " + e.getReason());
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

    @Override
    public String toString() {
        return base + "/" + name;
    }
}

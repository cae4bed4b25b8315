package io.walship.primary.config;

import io.walship.follower.UpstreamTls;
import io.walship.primary.replica.ReplicaClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One upstream of a follower database: the {@code upstream:} block, or an entry of {@code upstreams:} (tried in
 * order), or a URL of {@code follow URL[,URL...] DB_PATH}.
 *
 * @param url          {@code http(s)://HOST:PORT/NAME} of a primary or a relaying follower, or an archive's
 *                     {@code s3://BUCKET/PATH} or {@code file:///DIR}
 * @param token        bearer token of a stream upstream, or null
 * @param tls          trust and client certificate of an {@code https://} stream
 * @param insecure     plain {@code http://} to another machine is allowed
 * @param archive      an archive upstream as a replica (endpoint, region, force-path-style, credentials as for
 *                     replicas); null for a stream
 * @param pollInterval how often an archive is listed for new WAL segments ({@code poll-interval})
 */
public record UpstreamConfig(String url, String token, UpstreamTls tls, boolean insecure, ReplicaConfig archive,
                             Duration pollInterval) {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    public static UpstreamConfig stream(String url, String token, UpstreamTls tls, boolean insecure) {
        return new UpstreamConfig(url, token, tls, insecure, null, DEFAULT_POLL_INTERVAL);
    }

    public static UpstreamConfig archive(String url, ReplicaConfig archive, Duration pollInterval) {
        return new UpstreamConfig(url, null, UpstreamTls.defaults(), false, archive, pollInterval);
    }

    /** An upstream given on the command line; an archive URL may carry {@code ?endpoint=&region=&force-path-style=}. */
    public static UpstreamConfig fromUrl(String url, String token, UpstreamTls tls, boolean insecure,
                                         Duration pollInterval) {
        if (isStream(url)) {
            return stream(url, token, tls, insecure);
        }
        String u = url.toLowerCase(Locale.ROOT);
        if (!u.startsWith("s3://") && !u.startsWith("file://")) {
            throw new ConfigException("invalid upstream URL \"" + url + "\": expected http://HOST:PORT/NAME of a primary"
                    + " or relay, or an archive's s3://BUCKET/PATH or file:///DIR");
        }
        return archive(url, ReplicaClients.fromUrl(url), pollInterval);
    }

    /** True for {@code http://} and {@code https://} URLs: a primary's or a relay's stream. */
    public static boolean isStream(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        return u.startsWith("http://") || u.startsWith("https://");
    }

    /** A stream upstream with the command line's token, TLS files and {@code -insecure} where it sets none itself. */
    public UpstreamConfig withDefaults(String defaultToken, UpstreamTls defaultTls, boolean insecureFlag) {
        if (archive != null) {
            return this;
        }
        UpstreamTls merged = new UpstreamTls(or(tls.ca(), defaultTls.ca()), or(tls.cert(), defaultTls.cert()),
                tls.cert() != null ? tls.key() : defaultTls.key());
        return stream(url, token != null ? token : defaultToken, merged, insecure || insecureFlag);
    }

    private static Path or(Path mine, Path fallback) {
        return mine != null ? mine : fallback;
    }
}

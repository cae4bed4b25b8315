package io.walship.primary.replica;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the host of an {@code s3://} URL says, following Litestream: a plain host is an AWS bucket; the
 * S3-compatible services below are recognised by name and get their endpoint (path-style), and
 * {@code BUCKET.localhost[:PORT]} means a local server over plain http in region us-east-1.
 *
 * @param bucket   bucket name ("" if the host names none, e.g. {@code localhost:9000})
 * @param region   region implied by the host, or null
 * @param endpoint endpoint URL implied by the host, or null for AWS
 */
record S3Host(String bucket, String region, String endpoint) {

    private record Provider(Pattern pattern, boolean hasRegion, Function<String, String> endpoint) {
    }

    private static final List<Provider> PROVIDERS = List.of(
            new Provider(Pattern.compile("^(?:(.+)\\.)?s3\\.([^.]+)\\.backblazeb2\\.com$"), true,
                    r -> "https://s3." + r + ".backblazeb2.com"),
            new Provider(Pattern.compile("^(?:(.+)\\.)?s3\\.filebase\\.com$"), false, r -> "https://s3.filebase.com"),
            new Provider(Pattern.compile("^(?:(.+)\\.)?([^.]+)\\.digitaloceanspaces\\.com$"), true,
                    r -> "https://" + r + ".digitaloceanspaces.com"),
            new Provider(Pattern.compile("^(?:(.+)\\.)?s3\\.([^.]+)\\.scw\\.cloud$"), true,
                    r -> "https://s3." + r + ".scw.cloud"),
            new Provider(Pattern.compile("^(?:(.+)\\.)?([^.]+)\\.linodeobjects\\.com$"), true,
                    r -> "https://" + r + ".linodeobjects.com"));

    private static final Pattern LOCALHOST = Pattern.compile("^(?:(.+)\\.)?localhost$");

    /** @param port the URL's port, or -1; kept on a derived endpoint, ignored for AWS */
    static S3Host parse(String host, int port) {
        String withPort = port < 0 ? "" : ":" + port;
        Matcher m = LOCALHOST.matcher(host);
        if (m.matches()) {
            return new S3Host(orEmpty(m.group(1)), "us-east-1", "http://localhost" + withPort);
        }
        for (Provider p : PROVIDERS) {
            m = p.pattern.matcher(host);
            if (m.matches()) {
                String region = p.hasRegion ? m.group(2) : null;
                return new S3Host(orEmpty(m.group(1)), region, p.endpoint.apply(region) + withPort);
            }
        }
        return new S3Host(host, null, null);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}

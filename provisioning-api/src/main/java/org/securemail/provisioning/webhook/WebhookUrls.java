package org.securemail.provisioning.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.securemail.common.net.NetworkPolicy;
import org.securemail.provisioning.network.RemoteHosts;

/**
 * An endpoint URL as a tenant gives it: absolute, {@code https} (or {@code http} where the operator allows it), no
 * user information or fragment, at most {@value #MAX_LENGTH} characters, a host that {@link RemoteHosts} accepts (an
 * internal IP literal is refused here; a name is checked again on every address it resolves to before each send)
 * and an allowed port. 400 naming the field {@code url} otherwise.
 */
public final class WebhookUrls {

    public static final int MAX_LENGTH = 2048;
    static final String FIELD = "url";

    private WebhookUrls() {
    }

    /** The URL as stored: scheme and host in lower case, the host normalised, path and query as given. */
    public static URI normalise(String raw, NetworkPolicy policy, boolean allowHttp) {
        String text = raw.trim();
        if (text.length() > MAX_LENGTH) {
            throw RemoteHosts.invalid(FIELD, "at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw RemoteHosts.invalid(FIELD, "not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw RemoteHosts.invalid(FIELD, allowHttp ? "must be an https or http URL" : "must be an https URL");
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null) {
            throw RemoteHosts.invalid(FIELD, "must be an absolute URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw RemoteHosts.invalid(FIELD, "must not carry a user name or password");
        }
        if (uri.getRawFragment() != null) {
            throw RemoteHosts.invalid(FIELD, "must not have a fragment");
        }
        // java.net.URI parses only ASCII host names without a trailing dot; others (IDN, "example.com.") stay a raw
        // authority, split here and normalised like every host
        String rawHost = uri.getHost();
        int givenPort = uri.getPort();
        if (rawHost == null) {
            String authority = uri.getRawAuthority();
            int colon = authority.lastIndexOf(':');
            rawHost = authority;
            if (colon > 0 && !authority.startsWith("[") && authority.indexOf(':') == colon) {
                rawHost = authority.substring(0, colon);
                try {
                    givenPort = Integer.parseInt(authority.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw RemoteHosts.invalid(FIELD, "not a port: " + authority.substring(colon + 1));
                }
            }
            if (rawHost.isEmpty() || rawHost.contains("%") || givenPort < 1 && colon > 0 || givenPort > 65535) {
                throw RemoteHosts.invalid(FIELD, "has no host name or IP address that can be used");
            }
        }
        String host = RemoteHosts.normalise(FIELD, rawHost, policy);
        int port = givenPort < 0 ? defaultPort(scheme) : givenPort;
        if (!policy.allowsPort(port)) {
            throw RemoteHosts.invalid(FIELD, "port " + port + " is not one this service sends webhooks to");
        }
        String authority = (host.contains(":") ? "[" + host + "]" : host) + (givenPort < 0 ? "" : ":" + port);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return URI.create(scheme + "://" + authority + path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    static int defaultPort(String scheme) {
        return scheme.equals("http") ? 80 : 443;
    }
}

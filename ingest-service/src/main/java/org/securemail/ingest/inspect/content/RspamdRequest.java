package org.securemail.ingest.inspect.content;

import java.net.URI;
import java.net.http.HttpRequest;

/**
 * Builds the {@code POST /checkv2} request: the message as the body, the envelope as rspamd's request headers
 * ({@code IP}, {@code Helo}, {@code From}, one {@code Rcpt} per recipient, {@code Queue-Id}, {@code User},
 * {@code Settings-Id}). A value that is not printable ASCII (a CR or LF a client smuggled into HELO, a UTF-8
 * address) cannot travel in an HTTP/1.1 header and is left out, not sent mangled: rspamd then scans without it.
 */
final class RspamdRequest {

    /** Longest header value sent; SMTP bounds its own lines to 512 octets (RFC 5321 §4.5.3.1.4). */
    static final int MAX_HEADER_VALUE = 1000;

    private RspamdRequest() {
    }

    static HttpRequest build(RspamdOptions options, ScanRequest request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(checkUri(options.endpoint()))
                .timeout(options.timeout())
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.message()));
        header(builder, "IP", request.client().getHostAddress());
        header(builder, "Helo", request.helo());
        header(builder, "From", request.mailFrom().isEmpty() ? "<>" : request.mailFrom());
        int recipients = 0;
        for (String rcpt : request.rcptTo()) {
            if (recipients++ >= 1000) {
                break;
            }
            header(builder, "Rcpt", rcpt);
        }
        header(builder, "Queue-Id", request.queueId());
        if (request.authenticatedUser() != null) {
            header(builder, "User", request.authenticatedUser());
        }
        if (options.settingsId() != null) {
            header(builder, "Settings-Id", options.settingsId());
        }
        return builder.build();
    }

    private static URI checkUri(URI endpoint) {
        String base = endpoint.toString();
        return URI.create(base.endsWith("/") ? base + "checkv2" : base + "/checkv2");
    }

    private static void header(HttpRequest.Builder builder, String name, String value) {
        if (value != null && !value.isEmpty() && isHeaderSafe(value)) {
            builder.header(name, value);
        }
    }

    /** Printable ASCII and spaces only, not blank at either end, at most {@link #MAX_HEADER_VALUE} characters. */
    static boolean isHeaderSafe(String value) {
        if (value.length() > MAX_HEADER_VALUE || value.isBlank()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return value.charAt(0) != ' ' && value.charAt(value.length() - 1) != ' ';
    }
}

package org.securemail.provisioning.webhook;

/**
 * What one attempt to send a webhook came to. Only {@link Kind#SENT} settles it; every other kind is retried on the
 * schedule and counts toward disabling the endpoint.
 *
 * @param kind   the outcome
 * @param detail for the endpoint's {@code lastFailure}: the status, or what went wrong (never the response body)
 */
public record SendResult(Kind kind, String detail) {

    public enum Kind {
        /** A 2xx answer. */
        SENT("sent"),
        /** Any other status (redirects are not followed). */
        HTTP_STATUS("http-status"),
        /** No status line within {@code provisioning.webhooks.timeout}. */
        TIMEOUT("timeout"),
        /** The connection or the TLS handshake failed, or the host has no address. */
        CONNECTION("connection"),
        /** Not attempted: the URL or an address its host resolves to is one this service does not connect to. */
        REFUSED("refused");

        private final String reason;

        Kind(String reason) {
            this.reason = reason;
        }

        /** The {@code reason} tag of the failure counter. */
        public String reason() {
            return reason;
        }
    }

    public static SendResult sent(int status) {
        return new SendResult(Kind.SENT, "HTTP " + status);
    }

    public static SendResult failed(Kind kind, String detail) {
        return new SendResult(kind, detail.length() > 500 ? detail.substring(0, 500) : detail);
    }

    public boolean ok() {
        return kind == Kind.SENT;
    }
}

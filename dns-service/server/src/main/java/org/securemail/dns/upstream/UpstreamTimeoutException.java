package org.securemail.dns.upstream;

/** No response from the upstream within the query timeout. */
public class UpstreamTimeoutException extends RuntimeException {

    public UpstreamTimeoutException(String message) {
        super(message, null, false, false);
    }
}

package org.securemail.ingest.inspect.spf;

/** A record, macro string or explanation that breaks the RFC 7208 grammar; the message says where and why. */
final class SpfSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    SpfSyntaxException(String reason) {
        super(reason, null, false, false);
    }
}

package org.securemail.ingest.inspect.dmarc;

/**
 * One DKIM signature's outcome (RFC 7489 §4.1): the signing domain {@code d=}, the selector {@code s=} (for the
 * aggregate report, may be null) and the verification result.
 */
public record DkimIdentifier(String domain, String selector, AuthResult result) {

    public DkimIdentifier {
        result = result == null ? AuthResult.NONE : result;
    }
}

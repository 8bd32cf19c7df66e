package org.securemail.ingest.inspect.dkim;

import java.util.Objects;

/**
 * The verdict on one DKIM-Signature header field. Tags the signature did not carry (or that could not be read) are
 * empty strings, never null.
 *
 * @param result    the outcome
 * @param domain    {@code d=}, lower case (the SDID)
 * @param selector  {@code s=}
 * @param algorithm {@code a=} as written, lower case
 * @param identity  {@code i=}, or the default {@code @d} when the signature has none (the AUID)
 * @param headerB   the first 8 characters of {@code b=} without whitespace, for {@code header.b} (RFC 6008)
 * @param testing   the key record says {@code t=y}: the domain is testing DKIM and its results should not be used to
 *                  treat the message differently from unsigned mail (RFC 6376 §3.6.1)
 * @param reason    a short human-readable reason
 */
public record DkimSignatureResult(DkimResult result, String domain, String selector, String algorithm,
        String identity, String headerB, boolean testing, String reason) {

    public DkimSignatureResult {
        Objects.requireNonNull(result, "result");
        domain = Objects.requireNonNullElse(domain, "");
        selector = Objects.requireNonNullElse(selector, "");
        algorithm = Objects.requireNonNullElse(algorithm, "");
        identity = Objects.requireNonNullElse(identity, "");
        headerB = Objects.requireNonNullElse(headerB, "");
        reason = Objects.requireNonNullElse(reason, "");
    }
}

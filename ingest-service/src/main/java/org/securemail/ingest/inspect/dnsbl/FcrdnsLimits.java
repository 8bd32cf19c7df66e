package org.securemail.ingest.inspect.dnsbl;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of one FCrDNS check.
 *
 * @param lookupDeadline the deadline of the PTR lookup and of each forward lookup (those run together), so the check
 *                       takes at most about twice this
 * @param maxPtrNames    the PTR names checked forward; the rest are ignored (RFC 7208 §4.6.4 uses 10 for the same job)
 * @param maxAddresses   the addresses read per forward answer; the rest are ignored
 */
public record FcrdnsLimits(Duration lookupDeadline, int maxPtrNames, int maxAddresses) {

    /** 3 s per lookup, 10 names, 32 addresses per name. */
    public static final FcrdnsLimits DEFAULTS = new FcrdnsLimits(Duration.ofSeconds(3), 10, 32);

    public FcrdnsLimits {
        Objects.requireNonNull(lookupDeadline, "lookupDeadline");
        if (lookupDeadline.isNegative() || lookupDeadline.isZero()) {
            throw new IllegalArgumentException("the FCrDNS lookup deadline must be positive");
        }
        if (maxPtrNames < 1 || maxAddresses < 1) {
            throw new IllegalArgumentException("FCrDNS limits must be positive");
        }
    }

    /** These limits with another deadline. */
    public FcrdnsLimits withDeadline(Duration lookup) {
        return new FcrdnsLimits(lookup, maxPtrNames, maxAddresses);
    }
}

package org.securemail.ingest.inspect.spf;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of one SPF check.
 *
 * @param lookupDeadline  the deadline of each DNS lookup (shortened to what is left of {@code checkDeadline})
 * @param checkDeadline   the whole check completes by then, with {@code temperror} if it could not finish
 *                        (RFC 7208 §4.6.4 asks for at least 20 seconds)
 * @param maxDnsTerms     the terms that query DNS (include, a, mx, ptr, exists, redirect) allowed per check; one more
 *                        is {@code permerror} (§4.6.4: 10)
 * @param maxVoidLookups  the terms whose lookup found nothing (NXDOMAIN or no records) allowed per check; one more is
 *                        {@code permerror} (§4.6.4: 2)
 * @param maxMxNames      the exchanges one {@code mx} may name; more is {@code permerror} (§4.6.4: 10)
 * @param maxPtrNames     the PTR names validated for {@code ptr} and {@code %{p}}; the rest are ignored (§4.6.4: 10)
 */
public record SpfLimits(Duration lookupDeadline, Duration checkDeadline, int maxDnsTerms, int maxVoidLookups,
        int maxMxNames, int maxPtrNames) {

    /** The RFC's limits, 5 s per lookup and 20 s for the whole check. */
    public static final SpfLimits DEFAULTS = new SpfLimits(Duration.ofSeconds(5), Duration.ofSeconds(20), 10, 2, 10, 10);

    public SpfLimits {
        Objects.requireNonNull(lookupDeadline, "lookupDeadline");
        Objects.requireNonNull(checkDeadline, "checkDeadline");
        if (lookupDeadline.isNegative() || lookupDeadline.isZero() || checkDeadline.isNegative()
                || checkDeadline.isZero()) {
            throw new IllegalArgumentException("SPF deadlines must be positive");
        }
        if (maxDnsTerms < 0 || maxVoidLookups < 0 || maxMxNames < 0 || maxPtrNames < 0) {
            throw new IllegalArgumentException("SPF limits must not be negative");
        }
    }

    /** These limits with other deadlines. */
    public SpfLimits withDeadlines(Duration lookup, Duration check) {
        return new SpfLimits(lookup, check, maxDnsTerms, maxVoidLookups, maxMxNames, maxPtrNames);
    }
}

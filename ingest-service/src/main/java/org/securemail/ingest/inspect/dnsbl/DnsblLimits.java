package org.securemail.ingest.inspect.dnsbl;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of one blocklist check.
 *
 * @param lookupDeadline  the deadline of each zone's A lookup; the zones are asked together, so this is also about
 *                        the time the check takes when no zone lists the client
 * @param reasonDeadline  the deadline of the TXT lookup that fetches a listing's reason; zero fetches none
 * @param maxZones        the zones asked per check; more are not asked and come back UNKNOWN
 * @param maxCodes        the A records read per answer; the rest are ignored
 * @param maxReasonLength the characters of TXT reason kept (the records joined, cut at this length)
 */
public record DnsblLimits(Duration lookupDeadline, Duration reasonDeadline, int maxZones, int maxCodes,
        int maxReasonLength) {

    /** 2 s per A lookup, 1 s for the reason, 20 zones, 16 codes per answer, 300 characters of reason. */
    public static final DnsblLimits DEFAULTS = new DnsblLimits(Duration.ofSeconds(2), Duration.ofSeconds(1), 20, 16,
            300);

    public DnsblLimits {
        Objects.requireNonNull(lookupDeadline, "lookupDeadline");
        Objects.requireNonNull(reasonDeadline, "reasonDeadline");
        if (lookupDeadline.isNegative() || lookupDeadline.isZero() || reasonDeadline.isNegative()) {
            throw new IllegalArgumentException("the lookup deadline must be positive, the reason deadline not negative");
        }
        if (maxZones < 1 || maxCodes < 1 || maxReasonLength < 0) {
            throw new IllegalArgumentException("DNSBL limits must be positive");
        }
    }

    /** These limits with other deadlines. */
    public DnsblLimits withDeadlines(Duration lookup, Duration reason) {
        return new DnsblLimits(lookup, reason, maxZones, maxCodes, maxReasonLength);
    }

    boolean fetchesReasons() {
        return !reasonDeadline.isZero() && maxReasonLength > 0;
    }
}

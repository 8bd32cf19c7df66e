package org.securemail.common.dns;

import java.util.List;

/**
 * The reply to a {@link DnsQuery}.
 *
 * @param name       the name asked for
 * @param type       the type asked for
 * @param status     what kind of answer this is
 * @param records    the records with their remaining TTL (empty unless {@link DnsStatus#usable()})
 * @param ageSeconds seconds since the data was obtained from an upstream (0 for a fresh lookup)
 * @param detail     a short human-readable reason for FAILED/BUSY/TIMEOUT, else null
 * @param additional on an MX answer over Kafka: the shared cache's fresh entries for the A and AAAA records of its
 *                   exchanges (RFC 1035 §3.3.9 additional section processing, ADR 0091), so that the caller's
 *                   next lookups need no request of their own; empty otherwise (a reply without the field reads as empty)
 */
public record DnsAnswer(String name, DnsType type, DnsStatus status, List<DnsRecordData> records, long ageSeconds,
        String detail, List<DnsCacheEntry> additional) {

    public DnsAnswer {
        records = records == null ? List.of() : List.copyOf(records);
        additional = additional == null ? List.of() : List.copyOf(additional);
    }

    public DnsAnswer(String name, DnsType type, DnsStatus status, List<DnsRecordData> records, long ageSeconds,
            String detail) {
        this(name, type, status, records, ageSeconds, detail, List.of());
    }

    /** This answer with {@code entries} as its {@link #additional()} section. */
    public DnsAnswer withAdditional(List<DnsCacheEntry> entries) {
        return new DnsAnswer(name, type, status, records, ageSeconds, detail, entries);
    }

    /** The start of {@link #detail()} on a negative answer served stale (RFC 8767), see {@link #stale()}. */
    public static final String STALE_DETAIL = "stale negative answer";

    /** The detail of a stale answer: {@link #STALE_DETAIL} (for a negative one) and why it is stale. */
    public static String staleDetail(DnsStatus status, String why) {
        return status == DnsStatus.STALE ? why : STALE_DETAIL + (why == null ? "" : ": " + why);
    }

    /**
     * True when this answer is old data served because no fresh one could be had (RFC 8767): STALE records, or a
     * negative answer marked by {@link #STALE_DETAIL}. A negative stale answer must not cause a permanent failure.
     */
    public boolean stale() {
        return status == DnsStatus.STALE
                || ((status == DnsStatus.NXDOMAIN || status == DnsStatus.NODATA) && detail != null
                        && detail.startsWith(STALE_DETAIL));
    }

    public static DnsAnswer timeout(String name, DnsType type, String detail) {
        return new DnsAnswer(name, type, DnsStatus.TIMEOUT, List.of(), 0, detail);
    }
}

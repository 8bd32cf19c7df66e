package org.securemail.common.dns;

import java.util.List;

/**
 * One entry of the durable shared DNS cache: the value on the compacted topic {@code dns.cache}
 * (key {@code TYPE/name}, see {@link #key(DnsType, String)}; a tombstone when the entry is evicted).
 *
 * <p>An entry carries the last good result for (name, type), if any, and the failure state (RFC 9520) on top of
 * it, so that a failed refresh never destroys the data that serve-stale (RFC 8767) needs.
 *
 * @param name             the name, lower case, no trailing dot
 * @param type             the record type
 * @param status           ANSWER, NXDOMAIN or NODATA for the last good result; null when only a failure is known
 * @param records          the records of the last good result with their original (clamped) TTL
 * @param storedAtMillis   epoch millis when the last good result was obtained from an upstream (0 if none)
 * @param expiresAtMillis  epoch millis when the last good result stops being fresh
 * @param staleUntilMillis epoch millis after which the last good result may no longer be served stale
 * @param failures         consecutive failed upstream resolutions since the last good result
 * @param failedUntilMillis epoch millis until which no upstream query is sent for (name, type) (0 if none)
 * @param failureDetail    why the last resolution failed (timeout, SERVFAIL, REFUSED...), or null
 */
public record DnsCacheEntry(String name, DnsType type, DnsStatus status, List<DnsRecordData> records,
        long storedAtMillis, long expiresAtMillis, long staleUntilMillis, int failures, long failedUntilMillis,
        String failureDetail) {

    public DnsCacheEntry {
        records = records == null ? List.of() : List.copyOf(records);
    }

    /** The Kafka key and cache key of (type, name). */
    public static String key(DnsType type, String name) {
        return type.name() + "/" + name;
    }

    public String key() {
        return key(type, name);
    }

    /** True when a good result is known (fresh or not). */
    public boolean hasData() {
        return status != null;
    }

    public boolean freshAt(long nowMillis) {
        return hasData() && nowMillis < expiresAtMillis;
    }

    /**
     * True when the data is expired but may still be served stale (RFC 8767): an answer, and a negative answer too
     * (NXDOMAIN, NODATA: "no DMARC record" is data the checks need while the zone's servers cannot be asked).
     */
    public boolean staleServableAt(long nowMillis) {
        return hasData() && nowMillis >= expiresAtMillis && nowMillis < staleUntilMillis;
    }

    /**
     * The status a stale copy of this entry is served with: STALE for an answer (usable records); NXDOMAIN or NODATA
     * for a negative answer, with {@link DnsAnswer#STALE_DETAIL} in front of its detail so that a consumer that would
     * act for good on a negative answer (delivery's bounce) can tell it is stale and defer instead.
     */
    public DnsStatus staleStatus() {
        return status == DnsStatus.ANSWER ? DnsStatus.STALE : status;
    }

    public boolean failureCachedAt(long nowMillis) {
        return nowMillis < failedUntilMillis;
    }
}

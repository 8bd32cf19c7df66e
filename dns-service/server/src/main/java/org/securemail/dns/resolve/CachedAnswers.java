package org.securemail.dns.resolve;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;

/**
 * The answers a cache entry gives: fresh data with its remaining TTL, a cached failure (RFC 9520), and expired data
 * served stale (RFC 8767) when a refresh fails or is later than the client response timer.
 */
final class CachedAnswers {

    private final DnsMetrics metrics;
    private final Clock clock;

    CachedAnswers(DnsMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A fresh entry, its records with their remaining TTL. */
    DnsAnswer fresh(DnsCacheEntry entry, long now) {
        long remaining = Math.max(0, (entry.expiresAtMillis() - now) / 1000);
        return fromEntry(entry, entry.status(), remaining, now, null);
    }

    /** An entry with a failure cached: its stale data if that may still be served, else FAILED until the retry. */
    DnsAnswer failureCached(String name, DnsType type, DnsCacheEntry entry, long now) {
        if (entry.staleServableAt(now)) {
            return stale(entry, "refresh failed: " + entry.failureDetail());
        }
        long retryIn = Math.max(1, (entry.failedUntilMillis() - now + 999) / 1000);
        return new DnsAnswer(name, type, DnsStatus.FAILED, List.of(), 0,
                "cached failure: " + entry.failureDetail() + "; next upstream query in " + retryIn + "s");
    }

    /** The refresh's answer, or the stale entry if the refresh fails or has no answer within {@code clientResponse}. */
    Uni<DnsAnswer> orStale(Uni<DnsAnswer> refresh, DnsCacheEntry entry, Duration clientResponse) {
        return refresh
                .map(answer -> answer.status().temporary() ? stale(entry, answer.detail()) : answer)
                .ifNoItem().after(clientResponse)
                .recoverWithItem(() -> stale(entry, "no fresh answer within the client response timer"));
    }

    private DnsAnswer stale(DnsCacheEntry entry, String detail) {
        metrics.staleServed();
        DnsStatus status = entry.staleStatus();
        return fromEntry(entry, status, LookupService.STALE_TTL_SECONDS, clock.millis(),
                DnsAnswer.staleDetail(status, detail));
    }

    /** The entry's records with their TTL capped at {@code ttlSeconds} (set to it for STALE), and its age. */
    static DnsAnswer fromEntry(DnsCacheEntry entry, DnsStatus status, long ttlSeconds, long nowMillis,
            String detail) {
        List<DnsRecordData> records = entry.records().stream()
                .map(r -> new DnsRecordData(r.name(), r.type(),
                        status == DnsStatus.STALE ? ttlSeconds : Math.min(r.ttl(), ttlSeconds), r.data()))
                .toList();
        long age = Math.max(0, (nowMillis - entry.storedAtMillis()) / 1000);
        return new DnsAnswer(entry.name(), entry.type(), status, records, age, detail);
    }
}

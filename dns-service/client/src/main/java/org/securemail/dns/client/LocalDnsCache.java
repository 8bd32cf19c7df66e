package org.securemail.dns.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;

/**
 * The client's read-through copy of the shared cache ({@code dns.cache}): fresh entries answer without a round trip
 * to the DNS service, and stale ones are the fallback when the service does not answer by the caller's deadline.
 * Plain class (no CDI) so it can be unit tested; {@link DnsCacheFeed} fills it.
 */
public final class LocalDnsCache {

    /** TTL given to records served stale (RFC 8767 section 4 recommends 30 s). */
    public static final long STALE_TTL_SECONDS = 30;

    private final Cache<String, DnsCacheEntry> entries;

    public LocalDnsCache(long maxEntries) {
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).build();
    }

    /** Applies one record of {@code dns.cache}; a null entry is a tombstone. Older data never replaces newer. */
    public void apply(String key, DnsCacheEntry entry) {
        if (entry == null) {
            entries.invalidate(key);
            return;
        }
        entries.asMap().merge(key, entry, (old, update) -> newer(old, update) ? update : old);
    }

    private static boolean newer(DnsCacheEntry old, DnsCacheEntry update) {
        return update.storedAtMillis() > old.storedAtMillis()
                || (update.storedAtMillis() == old.storedAtMillis() && update.failedUntilMillis() >= old.failedUntilMillis());
    }

    /** A fresh answer (ANSWER, NXDOMAIN or NODATA) if one is cached. */
    public Optional<DnsAnswer> fresh(String name, DnsType type, long nowMillis) {
        DnsCacheEntry entry = entries.getIfPresent(DnsCacheEntry.key(type, name));
        if (entry == null || !entry.freshAt(nowMillis)) {
            return Optional.empty();
        }
        long remaining = Math.max(0, (entry.expiresAtMillis() - nowMillis) / 1000);
        return Optional.of(answer(entry, entry.status(), remaining, nowMillis, null));
    }

    /**
     * An expired answer that may still be served stale (RFC 8767), TTL 30 s: STALE records, or a negative answer marked
     * stale in its detail ({@link DnsCacheEntry#staleStatus()}).
     */
    public Optional<DnsAnswer> stale(String name, DnsType type, long nowMillis, String detail) {
        DnsCacheEntry entry = entries.getIfPresent(DnsCacheEntry.key(type, name));
        if (entry == null || !entry.staleServableAt(nowMillis)) {
            return Optional.empty();
        }
        DnsStatus status = entry.staleStatus();
        return Optional.of(answer(entry, status, STALE_TTL_SECONDS, nowMillis, DnsAnswer.staleDetail(status, detail)));
    }

    public long size() {
        return entries.estimatedSize();
    }

    static DnsAnswer answer(DnsCacheEntry entry, DnsStatus status, long ttlSeconds, long nowMillis, String detail) {
        List<DnsRecordData> records = entry.records().stream()
                .map(r -> new DnsRecordData(r.name(), r.type(),
                        status == DnsStatus.STALE ? ttlSeconds : Math.min(r.ttl(), ttlSeconds), r.data()))
                .toList();
        long age = Math.max(0, Duration.ofMillis(nowMillis - entry.storedAtMillis()).toSeconds());
        return new DnsAnswer(entry.name(), entry.type(), status, records, age, detail);
    }
}

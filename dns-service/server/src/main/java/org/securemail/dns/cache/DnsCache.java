package org.securemail.dns.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.config.DnsConfig;

/**
 * The service's cache: positive answers for their (clamped) TTL, negative answers per RFC 2308, failures with
 * backoff per RFC 9520, and expired answers kept for serve-stale per RFC 8767. Bounded by weight (Caffeine).
 *
 * <p>Every change made here is told to the {@link CacheListener} (which publishes it to {@code dns.cache});
 * {@link #restore} applies the topic's records without telling anyone.
 */
public final class DnsCache {

    /** A cached entry plus the hits it had since it was stored (for prefetch). */
    public static final class Slot {
        private final DnsCacheEntry entry;
        private final AtomicInteger hits = new AtomicInteger();

        Slot(DnsCacheEntry entry) {
            this.entry = entry;
        }

        public DnsCacheEntry entry() {
            return entry;
        }

        public int hit() {
            return hits.incrementAndGet();
        }
    }

    private final DnsConfig.Cache config;
    private final Clock clock;
    private final CacheListener listener;
    private final Cache<String, Slot> slots;

    public DnsCache(DnsConfig.Cache config, Clock clock, CacheListener listener) {
        this.config = config;
        this.clock = clock;
        this.listener = listener;
        this.slots = Caffeine.newBuilder()
                .maximumWeight(config.maxWeight())
                .weigher((String key, Slot slot) -> 1 + slot.entry.records().size())
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(new Expiry<String, Slot>() {
                    @Override
                    public long expireAfterCreate(String key, Slot slot, long currentTime) {
                        return keepNanos(slot.entry, currentTime);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Slot slot, long currentTime, long currentDuration) {
                        return keepNanos(slot.entry, currentTime);
                    }

                    @Override
                    public long expireAfterRead(String key, Slot slot, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .removalListener((String key, Slot slot, RemovalCause cause) -> {
                    if (cause.wasEvicted() && key != null) {
                        listener.evicted(key);
                    }
                })
                .executor(Runnable::run)
                .build();
    }

    /** Entries live until their stale data is too old and their failure state is no longer needed for backoff. */
    private long keepNanos(DnsCacheEntry entry, long nowNanos) {
        long keepUntil = Math.max(entry.staleUntilMillis(), entry.failedUntilMillis() + config.failureMax().toMillis());
        return Math.max(0, TimeUnit.MILLISECONDS.toNanos(keepUntil) - nowNanos);
    }

    public Slot get(DnsType type, String name) {
        return slots.getIfPresent(DnsCacheEntry.key(type, name));
    }

    /** Stores a good result (ANSWER, NXDOMAIN, NODATA) obtained from an upstream now. */
    public DnsCacheEntry storeResult(String name, DnsType type, DnsStatus status, List<DnsRecordData> records,
            long negativeTtlSeconds) {
        long now = clock.millis();
        long ttlMillis;
        if (status == DnsStatus.ANSWER) {
            long ttl = records.stream().mapToLong(DnsRecordData::ttl).min().orElse(config.minTtl().toSeconds());
            ttlMillis = clamp(Duration.ofSeconds(ttl), config.minTtl(), config.maxTtl()).toMillis();
        } else {
            Duration negative = negativeTtlSeconds < 0 ? config.defaultNegativeTtl() : Duration.ofSeconds(negativeTtlSeconds);
            ttlMillis = clamp(negative, Duration.ZERO, config.maxNegativeTtl()).toMillis();
        }
        long expires = now + ttlMillis;
        // negative answers too (RFC 8767 does not tell them apart): "no DMARC record" must outlive its servers as well
        long staleUntil = expires + config.maxStale().toMillis();
        long ttlSeconds = ttlMillis / 1000;
        List<DnsRecordData> clamped = records.stream()
                .map(r -> new DnsRecordData(r.name(), r.type(), ttlSeconds, r.data()))
                .toList();
        DnsCacheEntry entry = new DnsCacheEntry(name, type, status, clamped, now, expires, staleUntil, 0, 0, null);
        slots.put(entry.key(), new Slot(entry));
        listener.stored(entry);
        return entry;
    }

    /**
     * Records a failed resolution: no upstream query for (name, type) until the backoff has passed (1 s doubling to
     * 5 min by default). With stale data to serve, the retry is also no sooner than the stale refresh interval.
     */
    public DnsCacheEntry storeFailure(String name, DnsType type, String detail) {
        long now = clock.millis();
        DnsCacheEntry updated = slots.asMap().compute(DnsCacheEntry.key(type, name), (key, old) -> {
            DnsCacheEntry previous = old == null ? null : old.entry;
            int failures = previous == null ? 1 : previous.failures() + 1;
            long backoff = Math.min(config.failureMax().toMillis(),
                    config.failureInitial().toMillis() << Math.min(failures - 1, 20));
            if (previous != null && previous.staleServableAt(now)) {
                backoff = Math.max(backoff, config.staleRefreshInterval().toMillis());
            }
            DnsCacheEntry entry = previous == null
                    ? new DnsCacheEntry(name, type, null, List.of(), 0, 0, 0, failures, now + backoff, detail)
                    : new DnsCacheEntry(name, type, previous.status(), previous.records(), previous.storedAtMillis(),
                            previous.expiresAtMillis(), previous.staleUntilMillis(), failures, now + backoff, detail);
            return new Slot(entry);
        }).entry;
        listener.stored(updated);
        return updated;
    }

    /**
     * Lifts the failure backoff of every entry that {@code matches} (its stale data, if any, stays): used when a zone
     * whose names failed answers again, so that lookups waiting out their backoff ask again at once.
     *
     * @return how many entries were released
     */
    public int clearFailures(java.util.function.Predicate<DnsCacheEntry> matches) {
        long now = clock.millis();
        int cleared = 0;
        for (Map.Entry<String, Slot> each : slots.asMap().entrySet()) {
            DnsCacheEntry entry = each.getValue().entry;
            if (!entry.failureCachedAt(now) || !matches.test(entry)) {
                continue;
            }
            DnsCacheEntry released = new DnsCacheEntry(entry.name(), entry.type(), entry.status(), entry.records(),
                    entry.storedAtMillis(), entry.expiresAtMillis(), entry.staleUntilMillis(), 0, now,
                    entry.failureDetail());
            if (slots.asMap().replace(each.getKey(), each.getValue(), new Slot(released))) {
                listener.stored(released);
                cleared++;
            }
        }
        return cleared;
    }

    /** Applies a record of the shared topic (a restart's restore, or another replica's change); newer data wins. */
    public void restore(String key, DnsCacheEntry entry) {
        if (entry == null) {
            slots.invalidate(key);
            return;
        }
        long now = clock.millis();
        if (entry.staleUntilMillis() <= now && entry.failedUntilMillis() + config.failureMax().toMillis() <= now) {
            return;
        }
        slots.asMap().merge(key, new Slot(entry), (old, update) -> newer(old.entry, update.entry) ? update : old);
    }

    private static boolean newer(DnsCacheEntry old, DnsCacheEntry update) {
        if (update.storedAtMillis() != old.storedAtMillis()) {
            return update.storedAtMillis() > old.storedAtMillis();
        }
        return update.failedUntilMillis() > old.failedUntilMillis();
    }

    public long size() {
        slots.cleanUp();
        return slots.estimatedSize();
    }

    public Collection<Slot> slots() {
        return slots.asMap().values();
    }

    public void invalidateAll() {
        slots.invalidateAll();
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }
}

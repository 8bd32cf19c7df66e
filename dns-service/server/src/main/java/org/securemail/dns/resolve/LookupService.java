package org.securemail.dns.resolve;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsQuery;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.cache.DnsCache;
import org.securemail.dns.client.Zones;
import org.securemail.dns.upstream.Upstreams;
import org.securemail.dns.limits.QueryLimits;
import org.securemail.dns.upstream.UpstreamTransport;

/**
 * One lookup, end to end: the cache first ({@link CachedAnswers}: fresh, failure, stale), then one resolution per
 * (name, type) shared by every caller that asks while it runs ({@link UpstreamResolver}: the caps, the upstreams in
 * order of health with failover, the result into the cache), and prefetch of popular entries. Plain class: unit
 * tests build it with a {@code FakeUpstream}; {@code DnsEngine} builds it for the application.
 */
public final class LookupService {

    /** RFC 8767: TTL of records served stale. */
    public static final long STALE_TTL_SECONDS = 30;

    private final DnsConfig config;
    private final DnsCache cache;
    private final DnsMetrics metrics;
    private final Clock clock;
    private final CachedAnswers cached;
    private final UpstreamResolver resolver;
    private final MxAddresses mxAddresses;
    private final ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> resolving = new ConcurrentHashMap<>();

    public LookupService(DnsConfig config, DnsCache cache, QueryLimits limits, Upstreams upstreams,
            UpstreamTransport transport, DnsMetrics metrics, Clock clock, ScheduledExecutorService timer) {
        this.config = config;
        this.cache = cache;
        this.metrics = metrics;
        this.clock = clock;
        this.cached = new CachedAnswers(metrics, clock);
        this.resolver = new UpstreamResolver(config, cache, limits, upstreams, transport, metrics, timer);
        this.mxAddresses = new MxAddresses(config.mxAddresses(), cache, clock, this::resolve);
    }

    /**
     * Answers a request from {@code dns.queries}; one whose deadline already passed is not resolved. An MX answer
     * carries the addresses of its exchanges ({@link MxAddresses}, ADR 0091).
     */
    public Uni<DnsAnswer> answer(DnsQuery query) {
        String name = Zones.normalize(query.name());
        if (query.deadlineMillis() > 0 && query.deadlineMillis() < clock.millis()) {
            return Uni.createFrom().item(DnsAnswer.timeout(name, query.type(), "deadline passed before the query was read"));
        }
        Uni<DnsAnswer> answer = resolve(name, query.type());
        return query.type() == DnsType.MX
                ? answer.flatMap(mx -> mxAddresses.attach(mx, query.deadlineMillis()))
                : answer;
    }

    /** Resolves (name, type). Never fails: every problem is an answer with a status. */
    public Uni<DnsAnswer> resolve(String rawName, DnsType type) {
        String name = Zones.normalize(rawName);
        return Uni.createFrom().deferred(() -> lookup(name, type))
                .onFailure().recoverWithItem(f -> new DnsAnswer(name, type, DnsStatus.FAILED, List.of(), 0,
                        "internal error: " + f.getClass().getSimpleName()))
                .invoke(answer -> metrics.answered(answer.status()));
    }

    private Uni<DnsAnswer> lookup(String name, DnsType type) {
        long now = clock.millis();
        DnsCache.Slot slot = cache.get(type, name);
        DnsCacheEntry entry = slot == null ? null : slot.entry();
        if (entry != null && entry.freshAt(now)) {
            metrics.hit();
            maybePrefetch(slot, now);
            return Uni.createFrom().item(cached.fresh(entry, now));
        }
        if (entry != null && entry.failureCachedAt(now)) {
            metrics.failureCacheHit();
            return Uni.createFrom().item(cached.failureCached(name, type, entry, now));
        }
        metrics.miss();
        Uni<DnsAnswer> fresh = Uni.createFrom().completionStage(fetch(name, type));
        if (entry != null && entry.staleServableAt(now)) {
            return cached.orStale(fresh, entry, config.timeouts().clientResponse());
        }
        return fresh;
    }

    private void maybePrefetch(DnsCache.Slot slot, long now) {
        DnsCacheEntry entry = slot.entry();
        int hits = slot.hit();
        if (entry.status() != DnsStatus.ANSWER || hits < config.cache().prefetchMinHits() || entry.failureCachedAt(now)) {
            return;
        }
        long lifetime = entry.expiresAtMillis() - entry.storedAtMillis();
        if (entry.expiresAtMillis() - now <= lifetime * config.cache().prefetchFraction()
                && !resolving.containsKey(entry.key())) {
            metrics.prefetch();
            fetch(entry.name(), entry.type());
        }
    }

    /** The resolution of (name, type), shared by every caller that asks while it runs. */
    private CompletableFuture<DnsAnswer> fetch(String name, DnsType type) {
        String key = DnsCacheEntry.key(type, name);
        CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
        CompletableFuture<DnsAnswer> running = resolving.putIfAbsent(key, mine);
        if (running != null) {
            metrics.merged();
            return running.copy();
        }
        mine.whenComplete((answer, failure) -> resolving.remove(key, mine));
        DnsCache.Slot latest = cache.get(type, name);
        if (latest != null && latest.entry().failureCachedAt(clock.millis())) {
            // a resolution that ended between our cache check and now cached a failure: respect it
            mine.complete(new DnsAnswer(name, type, DnsStatus.FAILED, List.of(), 0,
                    "cached failure: " + latest.entry().failureDetail()));
            return mine.copy();
        }
        resolver.resolve(name, type, Zones.zoneOf(name), mine);
        return mine.copy();
    }

    /** Resolutions running now (for the operator endpoints). */
    public int resolving() {
        return resolving.size();
    }

    public DnsCache cache() {
        return cache;
    }

    public QueryLimits limits() {
        return resolver.limits();
    }

    public Upstreams upstreams() {
        return resolver.upstreams();
    }
}

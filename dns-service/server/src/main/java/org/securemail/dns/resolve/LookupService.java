package org.securemail.dns.resolve;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsQuery;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.cache.DnsCache;
import org.securemail.dns.client.Zones;
import org.securemail.dns.upstream.UpstreamHealth;
import org.securemail.dns.upstream.Upstreams;
import org.securemail.dns.limits.QueryLimits;
import org.securemail.dns.upstream.Rcode;
import org.securemail.dns.upstream.UpstreamResponse;
import org.securemail.dns.upstream.UpstreamTimeoutException;
import org.securemail.dns.upstream.UpstreamTransport;

/**
 * One lookup, end to end: cache (fresh, failure, stale), merging of identical resolutions, the caps, the upstreams in
 * order of health with failover, and the result back into the cache. Plain class: unit tests build it with a
 * {@code FakeUpstream}; {@code DnsEngine} builds it for the application.
 */
public final class LookupService {

    /** How often a resolution waiting for the slow budget looks again. */
    private static final Duration BUDGET_POLL = Duration.ofMillis(20);

    /** RFC 8767: TTL of records served stale. */
    public static final long STALE_TTL_SECONDS = 30;

    private final DnsConfig config;
    private final DnsCache cache;
    private final QueryLimits limits;
    private final Upstreams upstreams;
    private final UpstreamTransport transport;
    private final DnsMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> resolving = new ConcurrentHashMap<>();
    private final Cache<String, Boolean> provenZones;
    /** Zones with a failure cached since their last answer: the next answer from one of them lifts their backoffs. */
    private final java.util.Set<String> failingZones = ConcurrentHashMap.newKeySet();
    /** Zones whose failures were lifted in the last minute: a broken name in a live zone is not re-asked more often. */
    private final Cache<String, Boolean> recentlyRecovered = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1)).build();

    public LookupService(DnsConfig config, DnsCache cache, QueryLimits limits, Upstreams upstreams,
            UpstreamTransport transport, DnsMetrics metrics, Clock clock, ScheduledExecutorService timer) {
        this.config = config;
        this.cache = cache;
        this.limits = limits;
        this.upstreams = upstreams;
        this.transport = transport;
        this.metrics = metrics;
        this.clock = clock;
        this.timer = timer;
        this.provenZones = Caffeine.newBuilder().maximumSize(100_000)
                .expireAfterWrite(config.limits().provenZoneTtl()).build();
    }

    /** Answers a request from {@code dns.queries}; one whose deadline already passed is not resolved. */
    public Uni<DnsAnswer> answer(DnsQuery query) {
        String name = Zones.normalize(query.name());
        if (query.deadlineMillis() > 0 && query.deadlineMillis() < clock.millis()) {
            return Uni.createFrom().item(DnsAnswer.timeout(name, query.type(), "deadline passed before the query was read"));
        }
        return resolve(name, query.type());
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
            long remaining = Math.max(0, (entry.expiresAtMillis() - now) / 1000);
            return Uni.createFrom().item(fromEntry(entry, entry.status(), remaining, now, null));
        }
        if (entry != null && entry.failureCachedAt(now)) {
            metrics.failureCacheHit();
            if (entry.staleServableAt(now)) {
                return Uni.createFrom().item(stale(entry, "refresh failed: " + entry.failureDetail()));
            }
            long retryIn = Math.max(1, (entry.failedUntilMillis() - now + 999) / 1000);
            return Uni.createFrom().item(new DnsAnswer(name, type, DnsStatus.FAILED, List.of(), 0,
                    "cached failure: " + entry.failureDetail() + "; next upstream query in " + retryIn + "s"));
        }
        metrics.miss();
        Uni<DnsAnswer> fresh = Uni.createFrom().completionStage(fetch(name, type));
        if (entry != null && entry.staleServableAt(now)) {
            return fresh
                    .map(answer -> answer.status().temporary() ? stale(entry, answer.detail()) : answer)
                    .ifNoItem().after(config.timeouts().clientResponse())
                    .recoverWithItem(() -> stale(entry, "no fresh answer within the client response timer"));
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
        DnsCache.Slot cached = cache.get(type, name);
        if (cached != null && cached.entry().failureCachedAt(clock.millis())) {
            // a resolution that ended between our cache check and now cached a failure: respect it
            mine.complete(new DnsAnswer(name, type, DnsStatus.FAILED, List.of(), 0,
                    "cached failure: " + cached.entry().failureDetail()));
            return mine.copy();
        }
        String zone = Zones.zoneOf(name);
        limits.admit(zone).whenComplete((admission, failure) -> {
            if (admission == null || !admission.granted()) {
                String cap = admission == null ? "internal" : admission.shedAt();
                metrics.shed(cap);
                mine.complete(busy(name, type, cap));
                return;
            }
            mine.whenComplete((answer, error) -> limits.release(zone));
            new Resolution(name, type, zone, mine).next();
        });
        return mine.copy();
    }

    /**
     * One resolution: the upstreams in order, each tried at most once, within the resolution timeout. A query that
     * passed its per-query timeout is not forgotten: while the next upstream is tried, its answer still counts, and
     * once every upstream has been tried the resolution waits for the open queries until its deadline.
     */
    private final class Resolution {
        private final String name;
        private final DnsType type;
        private final String zone;
        private final CompletableFuture<DnsAnswer> result;
        private final List<UpstreamHealth> candidates = upstreams.candidates();
        private final long deadlineNanos = System.nanoTime() + config.timeouts().resolution().toNanos();
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean exhausted;
        private int index;
        private volatile String lastFailure;
        private String capRefusal;
        private long budgetWaitUntil;

        /** True while a resolution refused by the slow budget may still wait for it ({@code dns.limits.wait-timeout}). */
        private boolean waitForBudget() {
            long now = System.nanoTime();
            if (budgetWaitUntil == 0) {
                budgetWaitUntil = now + config.limits().waitTimeout().toNanos();
            }
            return now + BUDGET_POLL.toNanos() < Math.min(budgetWaitUntil, deadlineNanos);
        }

        Resolution(String name, DnsType type, String zone, CompletableFuture<DnsAnswer> result) {
            this.name = name;
            this.type = type;
            this.zone = zone;
            this.result = result;
        }

        void next() {
            if (closed.get()) {
                return;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                fail("no answer within the resolution timeout" + (lastFailure == null ? "" : " (" + lastFailure + ")"));
                return;
            }
            boolean risky = provenZones.getIfPresent(zone) == null;
            while (index < candidates.size()) {
                UpstreamHealth upstream = candidates.get(index++);
                QueryLimits.UpstreamSlot slot = limits.tryUpstream(upstream, risky);
                if (slot == null) {
                    capRefusal = limits.upstreamCap(upstream, risky);
                    continue;
                }
                send(slot, remaining);
                return;
            }
            if (open.get() > 0) {
                // every upstream tried, some still working on it: their answers count until the deadline
                exhausted = true;
                timer.schedule(() -> fail("no answer within the resolution timeout (" + lastFailure + ")"),
                        remaining, TimeUnit.NANOSECONDS);
                if (open.get() == 0) {
                    fail(lastFailure);
                }
            } else if (lastFailure == null && "slow-budget".equals(capRefusal) && waitForBudget()) {
                // an unproven zone while the budget is spent: wait a little (a burst of new but healthy zones frees
                // it within milliseconds), then BUSY (dead zones hold it for long)
                index = 0;
                capRefusal = null;
                timer.schedule(this::next, BUDGET_POLL.toNanos(), TimeUnit.NANOSECONDS);
            } else if (lastFailure == null && capRefusal != null) {
                if (closed.compareAndSet(false, true)) {
                    metrics.shed(capRefusal);
                    result.complete(busy(name, type, capRefusal));
                }
            } else {
                fail(lastFailure == null ? "no upstream available (all suspended)" : lastFailure);
            }
        }

        /**
         * One query to one upstream. The resolution moves on to the next upstream after the per-query timeout; the
         * query itself stays open until the upstream answers or the abandoned hold has passed, and only then gives
         * back its upstream slot. Its answer is used if the resolution still runs, and cached if it does not.
         */
        private void send(QueryLimits.UpstreamSlot slot, long remainingNanos) {
            UpstreamHealth upstream = slot.upstream();
            Duration timeout = upstream.queryTimeout(config.health().minTimeout(), config.timeouts().query());
            if (timeout.toNanos() > remainingNanos) {
                timeout = Duration.ofNanos(remainingNanos);
            }
            Duration hold = config.limits().abandonedHold().compareTo(timeout) > 0
                    ? config.limits().abandonedHold() : timeout;
            long sent = System.nanoTime();
            ScheduledFuture<?> slowMark = timer.schedule(() -> {
                slot.markSlow();
                // a zone whose query takes this long is no longer proven: its next queries use the slow budget
                provenZones.invalidate(zone);
            }, config.limits().slowThreshold().toNanos(), TimeUnit.NANOSECONDS);
            AtomicBoolean waited = new AtomicBoolean();
            ScheduledFuture<?> giveUp = timer.schedule(() -> {
                if (waited.compareAndSet(false, true)) {
                    upstreams.onTimeout(upstream);
                    metrics.timeout(upstream);
                    lastFailure = "timeout from " + upstream.label();
                    next();
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            open.incrementAndGet();
            transport.query(upstream.address(), name, type, hold).whenComplete((response, failure) -> {
                slowMark.cancel(false);
                slot.release();
                open.decrementAndGet();
                long elapsed = System.nanoTime() - sent;
                if (!waited.compareAndSet(false, true)) {
                    late(upstream, response);
                    return;
                }
                giveUp.cancel(false);
                if (failure == null) {
                    upstream.onResponse(TimeUnit.NANOSECONDS.toMillis(elapsed));
                    metrics.rtt(upstream, Duration.ofNanos(elapsed));
                    handle(upstream, response);
                    return;
                }
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                upstreams.onTimeout(upstream);
                if (cause instanceof UpstreamTimeoutException) {
                    metrics.timeout(upstream);
                    lastFailure = "timeout from " + upstream.label();
                } else {
                    lastFailure = "upstream " + upstream.label() + " unreachable: " + cause.getClass().getSimpleName();
                }
                next();
            });
        }

        /** The upstream finished a query after the per-query timeout (null response: the abandoned hold passed). */
        private void late(UpstreamHealth upstream, UpstreamResponse response) {
            if (response != null) {
                metrics.lateAnswer(response.rcode());
                // it is alive: its timeout count starts again (the delay is the zone's, not the upstream's RTT)
                upstream.onLateResponse();
            }
            if (response != null && finalStatus(response) != null) {
                handle(upstream, response);
            } else if (exhausted && open.get() == 0) {
                fail(lastFailure);
            }
        }

        /**
         * A response from an upstream: NOERROR and NXDOMAIN are cached and answer the resolution if it still runs
         * (a late one is cached all the same, so the next lookup is answered at once); any other rcode sends the
         * resolution to the next upstream.
         */
        private void handle(UpstreamHealth upstream, UpstreamResponse response) {
            DnsStatus status = finalStatus(response);
            if (status == null) {
                lastFailure = response.rcode() + " from " + upstream.label();
                next();
                return;
            }
            // the zone's servers answer: its queries do not sit in the upstream until its timeout
            zoneAnswered(zone);
            boolean first = closed.compareAndSet(false, true);
            List<DnsRecordData> records = status == DnsStatus.NXDOMAIN ? List.of() : response.answers();
            DnsCacheEntry entry = cache.storeResult(name, type, status, records, response.negativeTtlSeconds());
            if (first) {
                long ttl = entry.records().isEmpty() ? 0 : entry.records().get(0).ttl();
                result.complete(fromEntry(entry, status, ttl, entry.storedAtMillis(), null));
            }
        }

        private void fail(String detail) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            cache.storeFailure(name, type, detail);
            failingZones.add(zone);
            metrics.failureCached();
            result.complete(new DnsAnswer(name, type, DnsStatus.FAILED, List.of(), 0, detail));
        }
    }

    /**
     * The zone's servers answered (NOERROR or NXDOMAIN): it is proven, and if names of it failed since its last
     * answer, their failure backoffs are lifted (off the caller's thread, at most once a minute per zone), so that
     * mail waiting for them resolves on its next try instead of after up to {@code dns.cache.failure-max}.
     */
    private void zoneAnswered(String zone) {
        provenZones.put(zone, Boolean.TRUE);
        if (failingZones.remove(zone) && recentlyRecovered.asMap().putIfAbsent(zone, Boolean.TRUE) == null) {
            timer.execute(() -> {
                int released = cache.clearFailures(entry -> zone.equals(Zones.zoneOf(entry.name())));
                metrics.zoneRecovered(released);
            });
        }
    }

    /** ANSWER, NODATA or NXDOMAIN for a response that ends a resolution; null for one that does not. */
    private static DnsStatus finalStatus(UpstreamResponse response) {
        return switch (response.rcode()) {
            case NOERROR -> response.answers().isEmpty() ? DnsStatus.NODATA : DnsStatus.ANSWER;
            case NXDOMAIN -> DnsStatus.NXDOMAIN;
            default -> null;
        };
    }

    private DnsAnswer stale(DnsCacheEntry entry, String detail) {
        metrics.staleServed();
        return fromEntry(entry, DnsStatus.STALE, STALE_TTL_SECONDS, clock.millis(), detail);
    }

    private static DnsAnswer busy(String name, DnsType type, String cap) {
        return new DnsAnswer(name, type, DnsStatus.BUSY, List.of(), 0, "shed at the " + cap + " cap");
    }

    private static DnsAnswer fromEntry(DnsCacheEntry entry, DnsStatus status, long ttlSeconds, long nowMillis,
            String detail) {
        List<DnsRecordData> records = entry.records().stream()
                .map(r -> new DnsRecordData(r.name(), r.type(),
                        status == DnsStatus.STALE ? ttlSeconds : Math.min(r.ttl(), ttlSeconds), r.data()))
                .toList();
        long age = Math.max(0, (nowMillis - entry.storedAtMillis()) / 1000);
        return new DnsAnswer(entry.name(), entry.type(), status, records, age, detail);
    }

    /** Resolutions running now (for the operator endpoints). */
    public int resolving() {
        return resolving.size();
    }

    public DnsCache cache() {
        return cache;
    }

    public QueryLimits limits() {
        return limits;
    }

    public Upstreams upstreams() {
        return upstreams;
    }
}

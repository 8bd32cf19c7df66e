package org.securemail.dns.resolve;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.securemail.common.dns.DnsStatus;
import org.securemail.dns.cache.DnsCache;
import org.securemail.dns.upstream.UpstreamHealth;
import org.securemail.dns.upstream.Upstreams;
import org.securemail.dns.limits.QueryLimits;
import org.securemail.dns.upstream.Rcode;

/** The service's Micrometer meters (exported on /q/metrics with the prefix {@code dns_}). */
public final class DnsMetrics {

    /** How many zones get their own in-flight gauge (the busiest ones). */
    public static final int TOP_ZONES = 10;

    private final MeterRegistry registry;
    private final Counter hits;
    private final Counter misses;
    private final Counter staleServed;
    private final Counter failuresCached;
    private final Counter failureCacheHits;
    private final Counter merged;
    private final Counter prefetches;
    private final Map<String, Counter> shed = new ConcurrentHashMap<>();
    private final Map<DnsStatus, Counter> answers = new ConcurrentHashMap<>();
    private final Map<String, Timer> rtt = new ConcurrentHashMap<>();
    private final Map<String, Counter> timeouts = new ConcurrentHashMap<>();
    private final Map<Rcode, Counter> lateAnswers = new ConcurrentHashMap<>();
    private final MultiGauge zoneInFlight;

    public DnsMetrics(MeterRegistry registry) {
        this.registry = registry;
        hits = registry.counter("dns.cache.hits");
        misses = registry.counter("dns.cache.misses");
        staleServed = registry.counter("dns.cache.stale.served");
        failuresCached = registry.counter("dns.cache.failures.cached");
        failureCacheHits = registry.counter("dns.cache.failure.hits");
        merged = registry.counter("dns.queries.merged");
        prefetches = registry.counter("dns.cache.prefetches");
        zoneInFlight = MultiGauge.builder("dns.inflight.zone").description("resolutions in flight for the busiest zones")
                .register(registry);
    }

    /** Gauges that read live state. */
    private final List<Gauge> bound = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void bind(QueryLimits limits, Upstreams upstreams, DnsCache cache) {
        gauge(Gauge.builder("dns.inflight", limits, QueryLimits::total).description("resolutions in flight"));
        gauge(Gauge.builder("dns.inflight.cap", limits, l -> l.config().total()));
        gauge(Gauge.builder("dns.slow.budget.used", limits, QueryLimits::slow));
        gauge(Gauge.builder("dns.queries.partitions.assigned", limits, QueryLimits::sharePartitions)
                .description("dns.queries partitions of this replica: its share of the upstream caps"));
        gauge(Gauge.builder("dns.queries.partitions.total", limits, QueryLimits::shareOf));
        gauge(Gauge.builder("dns.wait.queue", limits, QueryLimits::waiting));
        gauge(Gauge.builder("dns.cache.size", cache, DnsCache::size));
        for (UpstreamHealth upstream : upstreams.all()) {
            Tags tags = Tags.of("upstream", upstream.label());
            gauge(Gauge.builder("dns.upstream.inflight", upstream, u -> u.inFlight().get()).tags(tags)
                    .description("queries the upstream is working on, the ones we gave up on included"));
            gauge(Gauge.builder("dns.upstream.inflight.max", upstream, UpstreamHealth::maxInFlight).tags(tags));
            gauge(Gauge.builder("dns.upstream.inflight.cap", limits, QueryLimits::perUpstreamCap).tags(tags));
            gauge(Gauge.builder("dns.upstream.limit", limits, l -> l.limit(upstream)).tags(tags)
                    .description("queries this upstream may work on, slow ones included: the learned limit (ADR 0080), at most the cap"));
            gauge(Gauge.builder("dns.upstream.slow.budget", limits, l -> l.slowBudget(upstream)).tags(tags)
                    .description("the slow budget at this upstream, in proportion to the learned limit"));
            gauge(Gauge.builder("dns.upstream.slow", limits, l -> l.slow(upstream)).tags(tags)
                    .description("slow-budget slots in use at this upstream"));
            gauge(Gauge.builder("dns.upstream.srtt.ms", upstream, UpstreamHealth::srttMillis).tags(tags));
            gauge(Gauge.builder("dns.upstream.up", upstream, u -> u.state() == UpstreamHealth.State.SUSPENDED ? 0 : 1)
                    .tags(tags));
        }
    }

    /**
     * The gauges read the engine's live objects, held strongly (a weakly held one that is collected reads NaN, and
     * Prometheus leaves it out), and are removed with {@link #unbind()} when the engine stops, so that an engine
     * started after it in the same JVM (tests) registers its own instead of finding the old ones.
     */
    private <T> void gauge(Gauge.Builder<T> builder) {
        bound.add(builder.strongReference(true).register(registry));
    }

    /** Removes the gauges of {@link #bind}. */
    public void unbind() {
        bound.forEach(registry::remove);
        bound.clear();
    }

    /** Refreshes the per-zone gauges with the current busiest zones. */
    public void refreshZones(QueryLimits limits) {
        List<MultiGauge.Row<?>> rows = limits.topZones(TOP_ZONES).stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("zone", e.getKey()), e.getValue()))
                .toList();
        zoneInFlight.register(rows, true);
    }

    public void hit() {
        hits.increment();
    }

    public void miss() {
        misses.increment();
    }

    public void staleServed() {
        staleServed.increment();
    }

    public void failureCached() {
        failuresCached.increment();
    }

    public void failureCacheHit() {
        failureCacheHits.increment();
    }

    public void merged() {
        merged.increment();
    }

    public void prefetch() {
        prefetches.increment();
    }

    public void shed(String cap) {
        shed.computeIfAbsent(cap, c -> registry.counter("dns.queries.shed", "cap", c)).increment();
    }

    public void answered(DnsStatus status) {
        answers.computeIfAbsent(status, s -> registry.counter("dns.answers", "status", s.name())).increment();
    }

    public void rtt(UpstreamHealth upstream, Duration duration) {
        rtt.computeIfAbsent(upstream.label(), l -> Timer.builder("dns.upstream.rtt").tag("upstream", l)
                .publishPercentiles(0.5, 0.99).register(registry)).record(duration);
    }

    /** A zone with cached failures answered again; {@code released} failure backoffs were lifted. */
    public void zoneRecovered(int released) {
        registry.counter("dns.zones.recovered").increment();
        registry.counter("dns.cache.failures.released").increment(released);
    }

    /** Answer records not owned by the question name or its CNAME chain, dropped before caching. */
    public void foreignRecordsDropped(int count) {
        if (count > 0) {
            registry.counter("dns.answers.foreign.dropped").increment(count);
        }
    }

    /** An upstream answered a query after the resolution had stopped waiting for it. */
    public void lateAnswer(Rcode rcode) {
        lateAnswers.computeIfAbsent(rcode, r -> registry.counter("dns.upstream.late.answers", "rcode", r.name()))
                .increment();
    }

    public void timeout(UpstreamHealth upstream) {
        timeouts.computeIfAbsent(upstream.label(), l -> registry.counter("dns.upstream.timeouts", "upstream", l))
                .increment();
    }
}

package org.securemail.dns.rest;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.limits.QueryLimits;
import org.securemail.dns.resolve.LookupService;

/** Operator endpoints: a lookup through the service, upstream health, and the zones that hold capacity. */
@Path("/dns")
@Produces(MediaType.APPLICATION_JSON)
public class DnsResource {

    @Inject
    LookupService lookups;

    @Inject
    MeterRegistry registry;

    /** The answer with its status (ANSWER, NXDOMAIN, NODATA, STALE, FAILED, BUSY) and age, as a mail service gets it. */
    @GET
    @Path("/{type}/{name}")
    public Uni<DnsAnswer> lookup(@PathParam("type") String type, @PathParam("name") String name) {
        DnsType parsed;
        try {
            parsed = DnsType.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new BadRequest("Unknown record type", "type must be one of " + List.of(DnsType.values()) + ", got " + type);
        }
        if (name.isBlank() || name.length() > 253) {
            throw new BadRequest("Invalid name", "a DNS name has 1 to 253 characters");
        }
        return lookups.resolve(name, parsed);
    }

    /**
     * One upstream as the service sees it: {@code limit} is the learned limit of queries in flight (ADR 0080) and
     * {@code cap} its ceiling, {@code slowBudget} the slow budget that follows the limit.
     */
    public record UpstreamView(String upstream, String state, double srttMillis, int inFlight, int limit, int cap,
            int slowBudget, int consecutiveTimeouts, long answers, long timeouts) {
    }

    @GET
    @Path("/upstreams")
    public List<UpstreamView> upstreams() {
        QueryLimits limits = lookups.limits();
        return lookups.upstreams().all().stream()
                .map(u -> new UpstreamView(u.label(), u.state().name(), Math.round(u.srttMillis() * 10) / 10.0,
                        u.inFlight().get(), limits.limit(u), limits.perUpstreamCap(), limits.slowBudget(u),
                        u.consecutiveTimeouts(), u.answers(), u.timeouts()))
                .toList();
    }

    public record ZoneInFlight(String zone, int inFlight) {
    }

    public record CachedFailure(String name, DnsType type, int failures, long retryInMillis, String detail,
            boolean staleAvailable) {
    }

    public record ZonesView(int inFlight, int cap, int slowBudgetUsed, int waiting, List<ZoneInFlight> busiest,
            List<CachedFailure> cachedFailures) {
    }

    @GET
    @Path("/zones")
    public ZonesView zones(@QueryParam("limit") Integer limit) {
        int n = limit == null || limit < 1 ? 20 : Math.min(limit, 1000);
        QueryLimits limits = lookups.limits();
        long now = System.currentTimeMillis();
        List<CachedFailure> failures = lookups.cache().slots().stream()
                .map(slot -> slot.entry())
                .filter(e -> e.failureCachedAt(now))
                .sorted(Comparator.comparingInt(DnsCacheEntry::failures).reversed())
                .limit(n)
                .map(e -> new CachedFailure(e.name(), e.type(), e.failures(), e.failedUntilMillis() - now,
                        e.failureDetail(), e.staleServableAt(now)))
                .toList();
        return new ZonesView(limits.total(), limits.config().total(), limits.slow(), limits.waiting(),
                limits.topZones(n).stream().map(e -> new ZoneInFlight(e.getKey(), e.getValue())).toList(), failures);
    }

    /**
     * Counters since start that are otherwise only in {@code /q/metrics} (the operator console reads them on the
     * application port, ADR 0087): stale answers served, queries shed by cap, answers by status, failures cached.
     */
    public record CountersView(long staleServed, long failuresCached, long failureCacheHits, long zonesRecovered,
            java.util.Map<String, Long> shedByCap, java.util.Map<String, Long> answersByStatus) {
    }

    @GET
    @Path("/counters")
    public CountersView counters() {
        return new CountersView(count("dns.cache.stale.served"), count("dns.cache.failures.cached"),
                count("dns.cache.failure.hits"), count("dns.zones.recovered"), byTag("dns.queries.shed", "cap"),
                byTag("dns.answers", "status"));
    }

    private long count(String name) {
        Counter counter = registry.find(name).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    private java.util.Map<String, Long> byTag(String name, String tag) {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        for (Counter counter : registry.find(name).counters()) {
            String value = counter.getId().getTag(tag);
            if (value != null) {
                counts.merge(value, (long) counter.count(), Long::sum);
            }
        }
        return counts;
    }
}

package org.securemail.dns.resolve;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.securemail.dns.cache.DnsCache;
import org.securemail.dns.client.Zones;
import org.securemail.dns.limits.ZoneTrust;

/**
 * What the resolutions have learnt about each zone: whether its servers answered lately (a proven zone's queries do
 * not use the slow budget), and whether a failure of one of its names was cached since its last answer.
 */
final class ZoneStanding {

    private final DnsCache cache;
    private final DnsMetrics metrics;
    private final Executor timer;
    private final Cache<String, Boolean> provenZones;
    /** Zones with a slow query or a failed resolution and no answer since. */
    private final Cache<String, Boolean> suspectZones;
    /** Zones with a failure cached since their last answer: the next answer from one of them lifts their backoffs. */
    private final Set<String> failingZones = ConcurrentHashMap.newKeySet();
    /** Zones whose failures were lifted in the last minute: a broken name in a live zone is not re-asked more often. */
    private final Cache<String, Boolean> recentlyRecovered = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1)).build();

    ZoneStanding(Duration provenZoneTtl, DnsCache cache, DnsMetrics metrics, Executor timer) {
        this.cache = cache;
        this.metrics = metrics;
        this.timer = timer;
        this.provenZones = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(provenZoneTtl).build();
        this.suspectZones = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(provenZoneTtl).build();
    }

    /**
     * Proven when the zone's servers answered within {@code dns.limits.proven-zone-ttl} and were not slow since;
     * suspect when a query of it was slow or a resolution failed, with no answer since; else unknown.
     */
    ZoneTrust trust(String zone) {
        if (provenZones.getIfPresent(zone) != null) {
            return ZoneTrust.PROVEN;
        }
        return suspectZones.getIfPresent(zone) != null ? ZoneTrust.SUSPECT : ZoneTrust.UNKNOWN;
    }

    /** A query of the zone takes longer than the slow threshold: the zone is suspect, no longer proven. */
    void slow(String zone) {
        provenZones.invalidate(zone);
        suspectZones.put(zone, Boolean.TRUE);
    }

    /**
     * A resolution of a name in the zone failed and its failure was cached: an unknown zone becomes suspect (a proven
     * one stays proven until one of its queries is slow: one broken name does not make its zone suspect).
     */
    void failed(String zone) {
        failingZones.add(zone);
        suspectZones.put(zone, Boolean.TRUE);
    }

    /**
     * The zone's servers answered (NOERROR or NXDOMAIN): it is proven, and if names of it failed since its last
     * answer, their failure backoffs are lifted (off the caller's thread, at most once a minute per zone), so that
     * mail waiting for them resolves on its next try instead of after up to {@code dns.cache.failure-max}.
     */
    void answered(String zone) {
        provenZones.put(zone, Boolean.TRUE);
        suspectZones.invalidate(zone);
        if (failingZones.remove(zone) && recentlyRecovered.asMap().putIfAbsent(zone, Boolean.TRUE) == null) {
            timer.execute(() -> {
                int released = cache.clearFailures(entry -> zone.equals(Zones.zoneOf(entry.name())));
                metrics.zoneRecovered(released);
            });
        }
    }
}

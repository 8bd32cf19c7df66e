package org.securemail.dns;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every knob of the DNS service. Environment variables follow the usual mapping (dns.limits.total → DNS_LIMITS_TOTAL). */
@ConfigMapping(prefix = "dns")
public interface DnsConfig {

    /**
     * Upstream recursive resolvers, {@code host:port}, in order of preference (env {@code DNS_UPSTREAMS}).
     * The word {@code system} stands for the name servers of /etc/resolv.conf.
     */
    @WithDefault("system")
    List<String> upstreams();

    Timeouts timeouts();

    Limits limits();

    Cache cache();

    Health health();

    interface Timeouts {
        /** Longest wait for one upstream query (PowerDNS uses 1.5 s). */
        @WithDefault("1500ms")
        Duration query();

        /** Longest time for one resolution across all upstreams it tries. */
        @WithDefault("5s")
        Duration resolution();

        /** RFC 8767 client response timer: after this, an expired answer is served stale while the refresh goes on. */
        @WithDefault("1800ms")
        Duration clientResponse();
    }

    interface Limits {
        /** Resolutions in flight in total; at the cap the service stops polling dns.queries. */
        @WithDefault("256")
        int total();

        /** Queries in flight per upstream, counting abandoned queries until {@link #abandonedHold()} passed. */
        @WithDefault("128")
        int perUpstream();

        /** Resolutions in flight per zone (registrable domain). */
        @WithDefault("8")
        int perZone();

        /**
         * Budget of risky upstream queries: queries for zones with no recent answer, and queries outstanding
         * longer than {@link #slowThreshold()}. Zones with a recent answer keep the rest of the capacity.
         */
        @WithDefault("64")
        int slowBudget();

        /** A query outstanding longer than this counts against the slow budget (a normal round trip is far less). */
        @WithDefault("300ms")
        Duration slowThreshold();

        /** How long a zone counts as proven after an answer (NOERROR or NXDOMAIN) from its servers. */
        @WithDefault("10m")
        Duration provenZoneTtl();

        /**
         * How long an upstream resolver keeps working on a query we gave up on (its own timeout): an abandoned query
         * occupies a per-upstream slot this long after it was sent (BIND fetches-per-server, Unbound jostle).
         */
        @WithDefault("10s")
        Duration abandonedHold();

        /** Resolutions that may wait for a slot; beyond it the answer is BUSY at once. */
        @WithDefault("64")
        int waitQueue();

        /** Longest wait in the queue before the answer is BUSY. */
        @WithDefault("250ms")
        Duration waitTimeout();
    }

    interface Cache {
        @WithDefault("100000")
        long maxEntries();

        /** Upper bound of the summed weight (records + 1 per entry). */
        @WithDefault("1000000")
        long maxWeight();

        @WithDefault("5s")
        Duration minTtl();

        @WithDefault("1d")
        Duration maxTtl();

        /** RFC 2308 cap of negative TTLs. */
        @WithDefault("1h")
        Duration maxNegativeTtl();

        /** Negative TTL when the upstream sends no SOA. */
        @WithDefault("60s")
        Duration defaultNegativeTtl();

        /** RFC 8767 maximum stale age. */
        @WithDefault("1d")
        Duration maxStale();

        /** RFC 9520 failure backoff: first hold, doubled on each consecutive failure up to {@link #failureMax()}. */
        @WithDefault("1s")
        Duration failureInitial();

        @WithDefault("5m")
        Duration failureMax();

        /** RFC 8767 failure recheck timer: a failed refresh of stale data is retried no more often than this. */
        @WithDefault("30s")
        Duration staleRefreshInterval();

        /** Fraction of the TTL left at which a popular entry is refreshed in the background. */
        @WithDefault("0.1")
        double prefetchFraction();

        /** Hits during its TTL that make an entry popular enough to prefetch. */
        @WithDefault("2")
        int prefetchMinHits();
    }

    interface Health {
        /** Consecutive timeouts without any answer after which an upstream is probed and, if silent, suspended. */
        @WithDefault("5")
        int suspendAfter();

        /** First re-probe of a suspended upstream; doubles up to {@link #probeMax()}. */
        @WithDefault("1s")
        Duration probeInitial();

        @WithDefault("30s")
        Duration probeMax();

        /** Name and type asked to check that an upstream answers at all (root NS is in every resolver's cache). */
        @WithDefault(".")
        String probeName();

        /**
         * Lowest per-query timeout derived from the smoothed RTT. The upstream is a recursive resolver: its cache
         * misses take far longer than the cache hits that dominate the SRTT, so this floor is generous.
         */
        @WithDefault("500ms")
        Duration minTimeout();
    }
}

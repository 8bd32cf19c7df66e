package org.securemail.dns.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

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

    /** The addresses of an MX answer's exchanges, sent with it over Kafka (docs/adr/0091). */
    MxAddresses mxAddresses();

    /** The DNS listener for components that speak only DNS (docs/adr/0068). */
    Listener listener();

    /**
     * Benchmark switch (env {@code DNS_PROTECTIONS}): {@code false} turns off every cap, the failure cache and
     * serve-stale, to show on the same machine what the original outage looked like (outage replay, phase 5). Never
     * in production: the service logs a warning and exposes {@code dns_protections_enabled 0}.
     */
    @WithDefault("true")
    boolean protections();

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

        /**
         * Queries in flight per upstream, counting the ones we gave up on until the upstream answers them or
         * {@link #abandonedHold()} passed. Keep it below the upstream's capacity (Unbound: num-queries-per-thread x
         * num-threads; BIND: recursive-clients): the default is three quarters of a small 64-slot resolver, the
         * capacity the outage replay models. With several upstreams the service has this much per upstream.
         */
        @WithDefault("48")
        int perUpstream();

        /**
         * Learn each upstream's limit instead of trusting {@link #perUpstream()} (ADR 0080): the queries an upstream
         * may work on (slow and abandoned ones included) start at {@link #initialLimit()}, grow while callers of zones
         * that answer wait for room and the answers come back fast, halve when a query of a zone that is not suspect
         * times out, and shrink back towards twice what was in flight when the room is not needed. The slow budget
         * follows the learned limit in the proportion slow-budget : per-upstream (at least 2). {@link #perUpstream()}
         * and {@link #slowBudget()} stay the ceilings.
         */
        @WithDefault("true")
        boolean adaptive();

        /** The learned limit at start (see {@link #adaptive()}). */
        @WithDefault("8")
        int initialLimit();

        /** The learned limit never goes below this (see {@link #adaptive()}). */
        @WithDefault("4")
        int minLimit();

        /** Resolutions in flight per zone (registrable domain). */
        @WithDefault("8")
        int perZone();

        /**
         * Budget per upstream of risky queries: queries for zones with no recent answer, and queries outstanding
         * longer than {@link #slowThreshold()} (until the upstream answers them or {@link #abandonedHold()} passed).
         * Zones whose servers answer keep the rest of {@link #perUpstream()}.
         */
        @WithDefault("16")
        int slowBudget();

        /** A query outstanding longer than this counts against the slow budget (a normal round trip is far less). */
        @WithDefault("300ms")
        Duration slowThreshold();

        /**
         * How long a zone counts as proven after an answer (NOERROR or NXDOMAIN) from its servers. A zone loses it
         * as soon as one of its queries is outstanding longer than {@link #slowThreshold()}.
         */
        @WithDefault("1h")
        Duration provenZoneTtl();

        /**
         * The longest a query we gave up on (after {@code dns.timeouts.query}) keeps occupying its upstream slot: the
         * upstream resolver is still working on it, so counting it free would let us fill the resolver. The slot is
         * freed earlier when the upstream answers it late (a late NOERROR or NXDOMAIN is cached). Set it to the
         * upstream's own give-up time, or more: Unbound 1.17 in the outage replay's provider model (jostle-timeout
         * 120 s) dropped an unanswerable query from its request list after about 35 s (docs/outage-replay.md); BIND's
         * resolver-query-timeout is 10 s.
         */
        @WithDefault("60s")
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

        /**
         * Readiness waits at most this long for the {@code dns.cache} restore: the last offset of a compacted
         * partition can be gone (a cleaned tombstone), and a replica must not stay unready for ever because of it.
         */
        @WithDefault("60s")
        Duration restoreTimeout();

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

    interface MxAddresses {
        /**
         * Whether an MX answer to a Kafka request carries the A and AAAA entries of its exchanges, so a mail route
         * costs one request instead of three (env {@code DNS_MX_ADDRESSES_ENABLED}).
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * How long the answer waits for those lookups (through the cache, the merging and every cap, like any other
         * lookup); what is not resolved by then is left out, and the caller asks for it itself. Bounded by the
         * request's own deadline.
         */
        @WithDefault("500ms")
        Duration maxWait();

        /**
         * Exchanges whose addresses are looked up, in preference order; the others are left to the caller. Bounds the
         * work a hostile zone with hundreds of MX records can cause.
         */
        @WithDefault("4")
        int maxHosts();
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

        /**
         * Name asked to check that an upstream answers at all (root NS is in the cache of every resolver with root
         * hints; a stub or restricted resolver may need another question, e.g. a name of the operator's own zone).
         * Whatever it is, a suspended upstream is also asked the last question an upstream answered, and any
         * response to either reinstates it.
         */
        @WithDefault(".")
        String probeName();

        /** Type of the probe question. */
        @WithDefault("NS")
        org.securemail.common.dns.DnsType probeType();

        /**
         * Lowest per-query timeout derived from the smoothed RTT. The upstream is a recursive resolver: its cache
         * misses take far longer than the cache hits that dominate the SRTT, so this floor is generous.
         */
        @WithDefault("500ms")
        Duration minTimeout();
    }

    /**
     * A plain DNS listener (UDP and TCP on one port) that answers from the same cache, stale answers, failure cache and
     * caps as the Kafka and HTTP interfaces (docs/adr/0068).
     */
    interface Listener {
        @WithDefault("true")
        boolean enabled();

        /** Address to bind; loopback by default, the pod address (or 0.0.0.0) in a cluster. */
        @WithDefault("127.0.0.1")
        String host();

        /** Port for both UDP and TCP; 0 picks a free one (tests). */
        @WithDefault("8053")
        int port();

        /** Client networks answered; every other source gets REFUSED. */
        @WithDefault("127.0.0.0/8,::1/128")
        List<String> allow();

        /** The pod network (CIDR), allowed in addition to {@link #allow()} (env {@code DNS_LISTENER_POD_NETWORK}). */
        Optional<String> podNetwork();

        /** Longest a client waits for an answer; after it the answer is SERVFAIL. */
        @WithDefault("3s")
        Duration answerTimeout();

        /** UDP queries per second per source address (IPv6: per /64). */
        @WithDefault("50")
        int ratePerSecond();

        /** UDP burst per source address. */
        @WithDefault("100")
        int rateBurst();

        /** Every n-th rate-limited UDP query gets an empty TC=1 reply (so a real client retries over TCP); 0 drops all. */
        @WithDefault("2")
        int rateSlip();

        /** Source addresses the rate limiter remembers (least recently seen forgotten first). */
        @WithDefault("10000")
        int rateSources();

        /** A TCP connection with no query outstanding is closed after this long without a query. */
        @WithDefault("10s")
        Duration tcpIdleTimeout();

        @WithDefault("64")
        int tcpMaxConnections();

        /** Queries answered on one TCP connection before it is closed. */
        @WithDefault("100")
        int tcpMaxQueries();

        /** Queries of one TCP connection resolved at once; further pipelined queries wait. */
        @WithDefault("16")
        int tcpMaxInFlight();
    }
}

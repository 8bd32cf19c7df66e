package org.securemail.dns;

import java.time.Duration;
import java.util.List;

/**
 * The configuration with the protections switched off ({@code dns.protections=false}), for the outage replay's
 * phase 5 only: no cap (total, per zone, per upstream, slow budget), no abandoned hold (a query frees its upstream
 * slot when we stop waiting for it), no failure cache (RFC 9520) and no serve-stale (RFC 8767). What remains is a
 * plain forwarding cache with timeouts and failover, which is what the provider's resolvers had. Merging of
 * identical in-flight queries stays: it is not a protection, just not asking twice.
 */
public final class ProtectionsOff implements DnsConfig {

    /** A cap that is never reached. */
    static final int UNLIMITED = 1_000_000;

    private final DnsConfig config;

    private ProtectionsOff(DnsConfig config) {
        this.config = config;
    }

    /** {@code config} itself while the protections are on (the default). */
    public static DnsConfig apply(DnsConfig config) {
        return config.protections() ? config : new ProtectionsOff(config);
    }

    @Override
    public List<String> upstreams() {
        return config.upstreams();
    }

    @Override
    public Timeouts timeouts() {
        return config.timeouts();
    }

    @Override
    public Health health() {
        return config.health();
    }

    @Override
    public boolean protections() {
        return false;
    }

    @Override
    public Limits limits() {
        Limits limits = config.limits();
        return new Limits() {
            @Override
            public int total() {
                return UNLIMITED;
            }

            @Override
            public int perUpstream() {
                return UNLIMITED;
            }

            @Override
            public int perZone() {
                return UNLIMITED;
            }

            @Override
            public int slowBudget() {
                return UNLIMITED;
            }

            @Override
            public Duration slowThreshold() {
                return limits.slowThreshold();
            }

            @Override
            public Duration provenZoneTtl() {
                return limits.provenZoneTtl();
            }

            @Override
            public Duration abandonedHold() {
                return Duration.ZERO;
            }

            @Override
            public int waitQueue() {
                return 0;
            }

            @Override
            public Duration waitTimeout() {
                return limits.waitTimeout();
            }
        };
    }

    @Override
    public Cache cache() {
        Cache cache = config.cache();
        return new Cache() {
            @Override
            public long maxEntries() {
                return cache.maxEntries();
            }

            @Override
            public long maxWeight() {
                return cache.maxWeight();
            }

            @Override
            public Duration minTtl() {
                return cache.minTtl();
            }

            @Override
            public Duration maxTtl() {
                return cache.maxTtl();
            }

            @Override
            public Duration maxNegativeTtl() {
                return cache.maxNegativeTtl();
            }

            @Override
            public Duration defaultNegativeTtl() {
                return cache.defaultNegativeTtl();
            }

            @Override
            public Duration maxStale() {
                return Duration.ZERO;
            }

            @Override
            public Duration failureInitial() {
                return Duration.ZERO;
            }

            @Override
            public Duration failureMax() {
                return Duration.ZERO;
            }

            @Override
            public Duration staleRefreshInterval() {
                return cache.staleRefreshInterval();
            }

            @Override
            public double prefetchFraction() {
                return cache.prefetchFraction();
            }

            @Override
            public int prefetchMinHits() {
                return cache.prefetchMinHits();
            }
        };
    }
}

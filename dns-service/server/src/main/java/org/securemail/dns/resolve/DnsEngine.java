package org.securemail.dns.resolve;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;
import org.securemail.dns.cache.CachePublisher;
import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.cache.DnsCache;
import org.securemail.dns.upstream.Upstreams;
import org.securemail.dns.limits.QueryLimits;
import org.securemail.dns.messaging.ConsumptionControl;
import org.securemail.dns.upstream.NettyUpstreamTransport;

/** Builds the resolution engine from {@link DnsConfig} once, on the Vert.x event loops. */
@Startup
@ApplicationScoped
public class DnsEngine {

    private static final Logger LOG = Logger.getLogger(DnsEngine.class);

    private final ScheduledExecutorService timer;
    private final NettyUpstreamTransport transport;
    private final LookupService lookups;
    private final DnsMetrics metrics;

    DnsEngine(DnsConfig config, Vertx vertx, MeterRegistry registry, CachePublisher publisher,
            ConsumptionControl consumption) {
        if (!config.protections()) {
            LOG.warn("DNS PROTECTIONS ARE OFF (dns.protections=false): no caps, no failure cache, no serve-stale."
                    + " This is a benchmark setting that reproduces the original outage; never run it in production.");
        }
        io.micrometer.core.instrument.Gauge.builder("dns.protections.enabled", config, c -> c.protections() ? 1 : 0)
                .strongReference(true).description("0 while the benchmark switch dns.protections=false is set")
                .register(registry);
        Clock clock = Clock.systemUTC();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "dns-timer");
            thread.setDaemon(true);
            return thread;
        });
        // Netty keeps a query open as long as the longest caller asks for: the abandoned hold (UpstreamResolver)
        this.transport = new NettyUpstreamTransport(vertx.nettyEventLoopGroup().next(),
                max(config.timeouts().query(), config.limits().abandonedHold()));
        Upstreams upstreams = new Upstreams(Upstreams.parse(config.upstreams()), transport, config.health(),
                config.timeouts().query(), clock);
        QueryLimits limits = new QueryLimits(config.limits(), timer, consumption::atCap);
        DnsCache cache = new DnsCache(config.cache(), clock, publisher);
        DnsMetrics metrics = new DnsMetrics(registry);
        metrics.bind(limits, upstreams, cache);
        this.metrics = metrics;
        this.lookups = new LookupService(config, cache, limits, upstreams, transport, metrics, clock, timer);
        timer.scheduleWithFixedDelay(upstreams::probeDue, 250, 250, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> metrics.refreshZones(limits), 1, 5, TimeUnit.SECONDS);
        LOG.infof("DNS service: upstreams %s; caps total=%d per-upstream=%d per-zone=%d slow-budget=%d per upstream,"
                + " abandoned hold %s",
                upstreams.all().stream().map(u -> u.label()).toList(), config.limits().total(),
                config.limits().perUpstream(), config.limits().perZone(), config.limits().slowBudget(),
                config.limits().abandonedHold());
    }

    private static java.time.Duration max(java.time.Duration a, java.time.Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Produces
    @Singleton
    LookupService lookups() {
        return lookups;
    }

    @Produces
    @Singleton
    DnsCache cache() {
        return lookups.cache();
    }

    @PreDestroy
    void stop() {
        metrics.unbind();
        timer.shutdownNow();
        transport.close();
    }
}

package org.securemail.dns.resolve;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.config.ProtectionsOff;
import org.securemail.dns.cache.CacheListener;
import org.securemail.dns.cache.DnsCache;
import org.securemail.dns.upstream.Upstreams;
import org.securemail.dns.limits.QueryLimits;
import org.securemail.dns.upstream.UpstreamTransport;

/** Builds the real engine (cache, limits, health, lookup) around any transport, with a clock the test moves. */
public final class TestEngine implements AutoCloseable {

    /** A clock that starts at the real time and only moves when the test says so (plus real time, if asked). */
    public static final class MovableClock extends Clock {
        private final AtomicLong offset = new AtomicLong();

        public void advance(java.time.Duration duration) {
            offset.addAndGet(duration.toMillis());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offset.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    public final DnsConfig config;
    public final MovableClock clock = new MovableClock();
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
    public final List<DnsCacheEntry> published = new CopyOnWriteArrayList<>();
    public final List<Boolean> capSignals = new CopyOnWriteArrayList<>();
    public final DnsCache cache;
    public final QueryLimits limits;
    public final Upstreams upstreams;
    public final LookupService lookups;

    /** @param properties dns.* overrides, e.g. {@code "dns.limits.per-zone", "2"} */
    public TestEngine(UpstreamTransport transport, String... properties) {
        Map<String, String> values = new HashMap<>();
        values.put("dns.upstreams", "127.0.0.1:53");
        for (int i = 0; i + 1 < properties.length; i += 2) {
            values.put(properties[i], properties[i + 1]);
        }
        SmallRyeConfig smallRye = new SmallRyeConfigBuilder()
                .withMapping(DnsConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(values)
                .withSources(new ProtectionsOff())
                .build();
        config = smallRye.getConfigMapping(DnsConfig.class);
        cache = new DnsCache(config.cache(), clock, new CacheListener() {
            @Override
            public void stored(DnsCacheEntry entry) {
                published.add(entry);
            }

            @Override
            public void evicted(String key) {
            }
        });
        limits = new QueryLimits(config.limits(), timer, capSignals::add);
        upstreams = new Upstreams(Upstreams.parse(config.upstreams()), transport, config.health(),
                config.timeouts().query(), clock);
        DnsMetrics metrics = new DnsMetrics(registry);
        metrics.bind(limits, upstreams, cache);
        lookups = new LookupService(config, cache, limits, upstreams, transport, metrics, clock, timer);
    }

    public DnsAnswer resolve(String name, DnsType type) {
        return lookups.resolve(name, type).await().atMost(java.time.Duration.ofSeconds(30));
    }

    public double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

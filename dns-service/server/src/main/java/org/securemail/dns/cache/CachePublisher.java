package org.securemail.dns.cache;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.Record;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;
import org.securemail.common.dns.DnsCacheEntry;

/**
 * Publishes every cache change to the compacted {@code dns.cache} (key {@code TYPE/name}; a tombstone on eviction).
 * A change that cannot be buffered is dropped and counted: the cache itself is unaffected and the next change of
 * the same key republishes it.
 */
@ApplicationScoped
public class CachePublisher implements CacheListener {

    public static final String CHANNEL = "dns-cache-out";
    private static final Logger LOG = Logger.getLogger(CachePublisher.class);

    private final Emitter<Record<String, DnsCacheEntry>> emitter;
    private final Counter dropped;

    @Inject
    CachePublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
            Emitter<Record<String, DnsCacheEntry>> emitter, MeterRegistry registry) {
        this.emitter = emitter;
        this.dropped = registry.counter("dns.cache.publish.dropped");
    }

    @Override
    public void stored(DnsCacheEntry entry) {
        send(entry.key(), entry);
    }

    @Override
    public void evicted(String key) {
        send(key, null);
    }

    private void send(String key, DnsCacheEntry entry) {
        try {
            emitter.send(Record.of(key, entry)).exceptionally(failure -> {
                dropped.increment();
                LOG.debugf(failure, "dns.cache publication of %s failed", key);
                return null;
            });
        } catch (RuntimeException overflowOrClosed) {
            dropped.increment();
            LOG.debugf(overflowOrClosed, "dns.cache publication of %s dropped", key);
        }
    }
}

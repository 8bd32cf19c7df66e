package org.securemail.dns.client;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.quarkus.arc.properties.IfBuildProperty;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.securemail.common.dns.DnsCacheEntry;

/**
 * Feeds the {@link LocalDnsCache} from the compacted {@code dns.cache} topic, read from the beginning by every
 * instance (unique group id), so a started service knows every answer the DNS service has.
 */
@ApplicationScoped
@IfBuildProperty(name = KafkaDnsResolver.ENABLED_PROPERTY, stringValue = "true", enableIfMissing = true)
public class DnsCacheFeed {

    public static final String CHANNEL = "dns-cache-feed";

    private final LocalDnsCache cache;

    DnsCacheFeed(DnsClientConfig config) {
        this.cache = new LocalDnsCache(config.localCache().maxEntries());
    }

    @Produces
    @ApplicationScoped
    LocalDnsCache localCache() {
        return cache;
    }

    @Incoming(CHANNEL)
    void apply(ConsumerRecord<String, DnsCacheEntry> record) {
        cache.apply(record.key(), record.value());
    }
}

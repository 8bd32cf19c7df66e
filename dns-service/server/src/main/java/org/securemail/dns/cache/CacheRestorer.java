package org.securemail.dns.cache;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.securemail.common.dns.DnsCacheEntry;

/**
 * Reads {@code dns.cache} from the beginning at every start (unique group id) and keeps following it: a restarted or
 * new replica has every answer, stale ones included, and replicas share what each of them learns.
 */
@ApplicationScoped
public class CacheRestorer {

    public static final String CHANNEL = "dns-cache-in";

    @Inject
    DnsCache cache;

    @Incoming(CHANNEL)
    void restore(ConsumerRecord<String, DnsCacheEntry> record) {
        cache.restore(record.key(), record.value());
    }
}

package org.securemail.dns.cache;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.jboss.logging.Logger;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.kafka.CompactedTopicReader;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.common.topics.Topics;
import org.securemail.dns.client.kafka.DnsJson;
import org.securemail.dns.config.DnsConfig;

/**
 * Reads {@code dns.cache} from the beginning at every start and keeps following it, with the suite's one
 * {@link CompactedTopicReader} (no consumer group, nothing committed): a restarted or new replica has every answer,
 * stale ones included, and replicas share what each of them learns.
 *
 * <p>The service is ready once it has read the topic up to the end offsets it found at start, or once
 * {@code dns.cache.restore-timeout} has passed: the last offset of a compacted partition can be gone (a cleaned
 * tombstone), and a replica must not stay unready for ever because of it.
 */
@ApplicationScoped
public class CacheRestorer {

    private static final Logger LOG = Logger.getLogger(CacheRestorer.class);

    private final DnsCache cache;
    private final Duration restoreTimeout;
    private final CompactedTopicReader reader;
    private volatile long startedAtNanos = System.nanoTime();
    private volatile boolean restored;

    CacheRestorer(DnsCache cache, DnsConfig config, KafkaClientSettings kafka) {
        this.cache = cache;
        this.restoreTimeout = config.cache().restoreTimeout();
        DnsJson.CacheEntryDeserializer entries = new DnsJson.CacheEntryDeserializer();
        this.reader = CompactedTopicReader.builder(kafka, "cache-reader", Topics.DNS_CACHE).batchedFetch()
                .sink(r -> cache.restore(r.key(), entries.deserialize(r.topic(), r.value())))
                .build();
    }

    void onStart(@Observes StartupEvent start) {
        startedAtNanos = System.nanoTime();
        reader.start();
    }

    void onStop(@Observes ShutdownEvent stop) {
        reader.close();
    }

    /** True once every partition was read up to the end offset found at start, or the restore timeout passed. */
    public boolean restored() {
        if (restored) {
            return true;
        }
        if (reader.caughtUp().isDone()) {
            restored = true;
            LOG.infof("DNS cache restored: %d entries", cache.size());
        } else if (System.nanoTime() - startedAtNanos > restoreTimeout.toNanos()) {
            restored = true;
            LOG.warnf("DNS cache restore not complete after %s (%d entries so far): ready anyway", restoreTimeout,
                    cache.size());
        }
        return restored;
    }

    /** The reader's consumer settings (the service's shared Kafka settings plus its own). */
    public java.util.Map<String, Object> consumerConfig() {
        return reader.consumerConfig();
    }
}

package org.securemail.dns.cache;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.topics.Topics;

/**
 * Reads {@code dns.cache} from the beginning at every start (unique group id) and keeps following it: a restarted or
 * new replica has every answer, stale ones included, and replicas share what each of them learns.
 *
 * <p>Readiness: the service is ready once it has read the topic up to the end offsets it found at start, so a
 * replica takes traffic only with its memory restored.
 */
@ApplicationScoped
public class CacheRestorer {

    public static final String CHANNEL = "dns-cache-in";
    private static final Logger LOG = Logger.getLogger(CacheRestorer.class);

    @Inject
    DnsCache cache;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final Map<Integer, Long> nextOffsets = new ConcurrentHashMap<>();
    private volatile Map<Integer, Long> targets;
    private volatile boolean restored;
    private volatile long startedAtNanos = System.nanoTime();

    /**
     * Bound on waiting for the restore: the last offset of a compacted partition can be gone (a cleaned tombstone),
     * and a replica must not stay unready for ever because of it.
     */
    @ConfigProperty(name = "dns.cache.restore-timeout", defaultValue = "60s")
    java.time.Duration restoreTimeout;

    void onStart(@Observes StartupEvent start) {
        startedAtNanos = System.nanoTime();
        Thread thread = new Thread(this::findTargets, "dns-cache-restore-target");
        thread.setDaemon(true);
        thread.start();
    }

    private void findTargets() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        try (Admin admin = Admin.create(props)) {
            var partitions = admin.describeTopics(java.util.List.of(Topics.DNS_CACHE)).allTopicNames()
                    .get(60, TimeUnit.SECONDS).get(Topics.DNS_CACHE).partitions();
            Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(
                    p -> new TopicPartition(Topics.DNS_CACHE, p.partition()), p -> OffsetSpec.latest()));
            targets = admin.listOffsets(request).all().get(60, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
            LOG.infof("restoring the DNS cache from %s up to offsets %s", Topics.DNS_CACHE, targets);
        } catch (Exception e) {
            LOG.warnf("could not read the end offsets of %s (%s): ready without waiting for the restore",
                    Topics.DNS_CACHE, e.toString());
            targets = Map.of();
        }
    }

    @Incoming(CHANNEL)
    void restore(ConsumerRecord<String, DnsCacheEntry> record) {
        cache.restore(record.key(), record.value());
        nextOffsets.merge(record.partition(), record.offset() + 1, Math::max);
    }

    /** True once every partition was read up to the end offset found at start. */
    public boolean restored() {
        if (restored) {
            return true;
        }
        Map<Integer, Long> goal = targets;
        if (goal == null) {
            return false;
        }
        boolean done = goal.entrySet().stream()
                .allMatch(e -> e.getValue() == 0 || nextOffsets.getOrDefault(e.getKey(), 0L) >= e.getValue());
        if (done) {
            restored = true;
            LOG.infof("DNS cache restored: %d entries", cache.size());
        } else if (System.nanoTime() - startedAtNanos > restoreTimeout.toNanos()) {
            restored = true;
            LOG.warnf("DNS cache restore not complete after %s (%d entries so far): ready anyway", restoreTimeout,
                    cache.size());
        }
        return restored;
    }

    @Readiness
    @ApplicationScoped
    static class RestoredCheck implements HealthCheck {

        @Inject
        CacheRestorer restorer;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("dns-cache-restored").status(restorer.restored()).build();
        }
    }
}

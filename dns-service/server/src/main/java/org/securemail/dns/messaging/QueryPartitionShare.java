package org.securemail.dns.messaging;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.securemail.common.topics.Topics;
import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.resolve.LookupService;

/**
 * Keeps this replica's share of the upstream caps equal to its share of the {@code dns.queries} partitions, so that N
 * replicas together never keep more queries open at one resolver than {@code dns.limits.per-upstream}: Kafka's
 * group assignment is the coordination, no replica count to configure.
 */
@ApplicationScoped
@Identifier(QueryPartitionShare.NAME)
public class QueryPartitionShare implements KafkaConsumerRebalanceListener {

    public static final String NAME = "dns-queries-share";

    private static final Logger LOG = Logger.getLogger(QueryPartitionShare.class);

    @Inject
    LookupService lookups;

    @Inject
    DnsConfig config;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        update(consumer);
    }

    /**
     * The share shrinks to what this replica keeps, and the partitions are let go only once its queries in flight are
     * within that share (or the query timeout passed): the new owner takes their share as soon as it gets them, and
     * until this callback returns the rebalance cannot hand them over (ADR 0085).
     */
    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
        kept.removeAll(partitions);
        update(consumer, kept);
        if (partitions.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        boolean within = lookups.limits().awaitWithinShare(lookups.upstreams().all(), config.timeouts().query());
        LOG.infof("dns.queries: %d partitions given up after %d ms waiting for this replica's queries%s", partitions.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                within ? "" : " (some are still in flight: slow or abandoned ones)");
    }

    private void update(Consumer<?, ?> consumer) {
        update(consumer, consumer.assignment());
    }

    private void update(Consumer<?, ?> consumer, Collection<TopicPartition> assignment) {
        int assigned = (int) assignment.stream().filter(p -> p.topic().equals(Topics.DNS_QUERIES)).count();
        int total = consumer.partitionsFor(Topics.DNS_QUERIES).size();
        lookups.limits().share(assigned, total);
        LOG.infof("dns.queries: %d of %d partitions here: per-upstream cap %d, slow budget %d", assigned, total,
                lookups.limits().perUpstreamCap(), lookups.limits().slowBudget());
    }
}

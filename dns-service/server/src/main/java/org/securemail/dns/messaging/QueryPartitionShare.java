package org.securemail.dns.messaging;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.securemail.common.topics.Topics;
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

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        update(consumer);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        update(consumer);
    }

    private void update(Consumer<?, ?> consumer) {
        int assigned = (int) consumer.assignment().stream().filter(p -> p.topic().equals(Topics.DNS_QUERIES)).count();
        int total = consumer.partitionsFor(Topics.DNS_QUERIES).size();
        lookups.limits().share(assigned, total);
        LOG.infof("dns.queries: %d of %d partitions here: per-upstream cap %d, slow budget %d", assigned, total,
                lookups.limits().perUpstreamCap(), lookups.limits().slowBudget());
    }
}

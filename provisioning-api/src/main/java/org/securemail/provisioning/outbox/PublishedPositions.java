package org.securemail.provisioning.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.securemail.common.kafka.KafkaClientSettings;

/**
 * The outbox id of the last record in each partition of the provisioning topics (header {@value #HEADER}).
 * The relay publishes in outbox id order with one publisher at a time, so every row of a partition with an id up to
 * that value is already in the log.
 */
final class PublishedPositions {

    static final String HEADER = "sm-outbox-id";

    private final Map<TopicPartition, Long> last;

    private PublishedPositions(Map<TopicPartition, Long> last) {
        this.last = last;
    }

    /** The partition the relay writes a key to: the Kafka default for keyed records, computed explicitly. */
    static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    boolean published(String topic, int partition, long outboxId) {
        Long upTo = last.get(new TopicPartition(topic, partition));
        return upTo != null && outboxId <= upTo;
    }

    static PublishedPositions read(KafkaClientSettings kafka, Collection<String> topics, Duration timeout) {
        Properties props = new Properties();
        props.putAll(kafka.consumer("outbox-recovery"));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        Map<TopicPartition, Long> last = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo p : consumer.partitionsFor(topic, timeout)) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<TopicPartition> nonEmpty = partitions.stream().filter(tp -> end.get(tp) > 0).toList();
            consumer.assign(nonEmpty);
            nonEmpty.forEach(tp -> consumer.seek(tp, end.get(tp) - 1));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (last.size() < nonEmpty.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the last records of " + nonEmpty);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() == end.get(tp) - 1) {
                        Header h = r.headers().lastHeader(HEADER);
                        last.put(tp, h == null ? 0L : Long.parseLong(new String(h.value(), StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        return new PublishedPositions(last);
    }
}

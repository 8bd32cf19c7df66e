package org.securemail.delivery.state;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads a compacted topic from the beginning into memory and keeps following it: every replica reads every
 * partition (no consumer group), and {@link #caughtUp()} completes once the end offsets seen at start are reached.
 */
public final class CompactedTopicReader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CompactedTopicReader.class);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final BiConsumer<String, byte[]> sink;
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;

    public CompactedTopicReader(String bootstrapServers, String topic, String clientId, BiConsumer<String, byte[]> sink) {
        this.topic = topic;
        this.sink = sink;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "table-" + topic);
        this.thread.setDaemon(true);
    }

    public CompactedTopicReader start() {
        thread.start();
        return this;
    }

    public CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = List.of();
            Map<TopicPartition, Long> end = Map.of();
            while (running && end.isEmpty()) {
                try {
                    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                    partitions = infos == null ? List.of()
                            : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    if (partitions.isEmpty()) {
                        LOG.warnf("topic %s not found yet; retrying", topic);
                        continue;
                    }
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // broker not reachable yet: keep trying, mail is not consumed before the table is loaded
                    LOG.warnf("cannot reach Kafka to load %s yet (%s); retrying", topic, e.getMessage());
                }
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        sink.accept(record.key(), record.value());
                    } catch (RuntimeException e) {
                        LOG.warnf("skipping an unreadable record of %s at offset %d: %s", topic, record.offset(),
                                e.getMessage());
                    }
                }
                Map<TopicPartition, Long> target = end;
                if (!caughtUp.isDone() && target.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    LOG.infof("table %s loaded", topic);
                    caughtUp.complete(null);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.errorf(e, "reader of %s stopped", topic);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

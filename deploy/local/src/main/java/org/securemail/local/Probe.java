package org.securemail.local;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Operator probe for the local stack's broker.
 * <ul>
 *   <li>{@code Probe <bootstrap> write <topic> <key>}: writes one tombstone for {@code key} with acks=all (every
 *   consumer of a compacted topic ignores a tombstone of a key it does not know, so the probe is harmless)</li>
 *   <li>{@code Probe <bootstrap> read <topic> <key>}: exit 0 when a record with {@code key} is in the topic</li>
 * </ul>
 */
public final class Probe {

    private Probe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: Probe <bootstrap> write|read <topic> <key>");
            System.exit(2);
        }
        String bootstrap = args[0];
        String topic = args[2];
        String key = args[3];
        switch (args[1]) {
            case "write" -> write(bootstrap, topic, key);
            case "read" -> System.exit(read(bootstrap, topic, key) ? 0 : 1);
            default -> {
                System.err.println("unknown command " + args[1]);
                System.exit(2);
            }
        }
    }

    private static void write(String bootstrap, String topic, String key) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            var metadata = producer.send(new ProducerRecord<>(topic, key, null)).get(30, TimeUnit.SECONDS);
            System.out.printf("written %s-%d@%d%n", metadata.topic(), metadata.partition(), metadata.offset());
        }
    }

    private static boolean read(String bootstrap, String topic, String key) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        boolean found = false;
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int emptyPollsAfterAssignment = 0;
            while (System.nanoTime() < end && emptyPollsAfterAssignment < 5) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, String> record : records) {
                    if (key.equals(record.key())) {
                        found = true;
                    }
                }
                if (records.isEmpty() && !consumer.assignment().isEmpty()) {
                    emptyPollsAfterAssignment++;
                }
            }
        }
        System.out.println(found ? "found " + key + " in " + topic : "no record with key " + key + " in " + topic);
        return found;
    }
}

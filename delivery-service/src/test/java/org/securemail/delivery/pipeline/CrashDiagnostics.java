package org.securemail.delivery.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.topics.Topics;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.ServiceProcess;

/**
 * What a crash test prints when not every recipient arrived in time: enough to tell a stall (an at-least-once
 * hole: a committed offset without a delivery, a consumer that did not resume, a dead-lettered record) from a
 * slow machine (progress that simply had not finished).
 */
final class CrashDiagnostics {

    /** Consumer groups of the delivery service and the topics they read. */
    static final Map<String, String> GROUPS = groups();

    private final KafkaBroker broker;
    private final ObjectMapper mapper;

    CrashDiagnostics(KafkaBroker broker, ObjectMapper mapper) {
        this.broker = broker;
        this.mapper = mapper;
    }

    private static Map<String, String> groups() {
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("delivery-mail-in", Topics.MAIL_READY);
        for (int tier = 1; tier <= Topics.DELIVERY_RETRY_TIERS; tier++) {
            groups.put("delivery-retry-" + tier, Topics.deliveryRetry(tier));
        }
        groups.put("delivery-park", Topics.DELIVERY_PARK);
        return groups;
    }

    /** The whole report: missing recipients, lag per group and partition, dead letters, events, metrics, log. */
    String report(Collection<String> missing, List<String> timeline, ServiceProcess service) {
        StringBuilder out = new StringBuilder();
        out.append("=== crash test diagnosis ===\n");
        out.append("progress (s after restart: distinct recipients delivered): ").append(timeline).append('\n');
        out.append(missing.size()).append(" recipient(s) missing, first 30: ")
                .append(missing.stream().sorted().limit(30).toList()).append('\n');
        try {
            out.append(lag());
            out.append(deadLetters());
            out.append(lastEvents(Set.copyOf(missing)));
        } catch (Exception e) {
            out.append("(Kafka diagnosis failed: ").append(e).append(")\n");
        }
        out.append(metrics(service));
        out.append(logTail(service.log(), 80));
        return out.toString();
    }

    /** Committed offset vs end offset per partition of every delivery consumer group. */
    String lag() throws Exception {
        StringBuilder out = new StringBuilder("consumer-group lag (partition: committed/end):\n");
        try (Admin admin = broker.admin()) {
            for (Map.Entry<String, String> group : GROUPS.entrySet()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.getKey())
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, Long> end = endOffsets(admin, group.getValue());
                long total = 0;
                List<String> parts = new ArrayList<>();
                for (Map.Entry<TopicPartition, Long> e : byPartition(end).entrySet()) {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    long at = c == null ? 0 : c.offset();
                    total += e.getValue() - at;
                    parts.add(e.getKey().partition() + ":" + (c == null ? "-" : Long.toString(at)) + "/" + e.getValue());
                }
                String state = admin.describeConsumerGroups(List.of(group.getKey())).all().get(30, TimeUnit.SECONDS)
                        .get(group.getKey()).groupState().toString();
                long records = end.values().stream().mapToLong(Long::longValue).sum();
                out.append("  ").append(group.getKey()).append(" [").append(state).append("] lag ").append(total)
                        .append(" of ").append(records).append(" records: ").append(String.join(" ", parts))
                        .append('\n');
            }
        }
        return out.toString();
    }

    /** The records written to a topic so far (the sum of its end offsets). */
    long records(String topic) throws Exception {
        try (Admin admin = broker.admin()) {
            return endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The offsets a consumer group committed, summed over its partitions. */
    long committed(String group) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .values().stream().filter(java.util.Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private static Map<TopicPartition, Long> byPartition(Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> sorted = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        sorted.putAll(end);
        return sorted;
    }

    /** Records on the dead-letter topics: each one is mail the service gave up on. */
    String deadLetters() throws Exception {
        StringBuilder out = new StringBuilder("dead-letter topics (records):");
        try (Admin admin = broker.admin()) {
            for (String topic : GROUPS.values()) {
                long n = endOffsets(admin, Topics.dlq(topic)).values().stream().mapToLong(Long::longValue).sum();
                out.append(' ').append(Topics.dlq(topic)).append('=').append(n);
            }
        }
        return out.append('\n').toString();
    }

    /** Every {@code delivery.events} record of these recipients, the last few per recipient. */
    String lastEvents(Set<String> recipients) throws Exception {
        Map<String, List<DeliveryEvent>> events = new HashMap<>();
        long total = 0;
        for (ConsumerRecord<String, byte[]> record : readAll(Topics.DELIVERY_EVENTS)) {
            total++;
            DeliveryEvent event = mapper.readValue(record.value(), DeliveryEvent.class);
            if (recipients.contains(event.recipient())) {
                events.computeIfAbsent(event.recipient(), r -> new ArrayList<>()).add(event);
            }
        }
        StringBuilder out = new StringBuilder("delivery.events: " + total + " in all; " + events.size() + " of the "
                + recipients.size() + " missing recipient(s) have events; first 20:\n");
        recipients.stream().sorted().limit(20).forEach(r -> {
            List<DeliveryEvent> list = events.getOrDefault(r, List.of());
            out.append("  ").append(r).append(": ").append(list.isEmpty() ? "no event"
                    : list.subList(Math.max(0, list.size() - 3), list.size()).toString()).append('\n');
        });
        return out.toString();
    }

    /**
     * What happened besides plain deliveries, printed by every run (also a passing one): events by outcome and the
     * most frequent deferral replies. A deferral in this test waits for the retry schedule (5 min by default).
     */
    String outcomes() throws Exception {
        Map<String, Integer> byOutcome = new TreeMap<>();
        Map<String, Integer> deferrals = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : readAll(Topics.DELIVERY_EVENTS)) {
            DeliveryEvent event = mapper.readValue(record.value(), DeliveryEvent.class);
            byOutcome.merge(event.outcome().name(), 1, Integer::sum);
            if (event.outcome() != org.securemail.common.delivery.Outcome.DELIVERED) {
                String reply = event.reply() == null ? "" : event.reply();
                deferrals.merge(reply.length() > 90 ? reply.substring(0, 90) : reply, 1, Integer::sum);
            }
        }
        String top = deferrals.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(5).map(e -> e.getValue() + "x " + e.getKey()).collect(Collectors.joining("; "));
        return "delivery.events by outcome: " + byOutcome + (top.isEmpty() ? "" : "; not delivered: " + top) + "\n";
    }

    /** Recipients with a DELIVERED event on {@code delivery.events}. */
    Set<String> deliveredEvents() throws Exception {
        Set<String> delivered = new java.util.HashSet<>();
        for (ConsumerRecord<String, byte[]> record : readAll(Topics.DELIVERY_EVENTS)) {
            DeliveryEvent event = mapper.readValue(record.value(), DeliveryEvent.class);
            if (event.outcome() == org.securemail.common.delivery.Outcome.DELIVERED) {
                delivered.add(event.recipient());
            }
        }
        return delivered;
    }

    /** All records of a topic, read without a consumer group up to the end offsets seen now. */
    List<ConsumerRecord<String, byte[]>> readAll(String topic) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAIL_MAX_MESSAGE_BYTES);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MAIL_MAX_MESSAGE_BYTES);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions().size();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** The service's own delivery metrics (in flight, parked, outcomes), when it still answers. */
    static String metrics(ServiceProcess service) {
        try {
            String body = service.get("/q/metrics").body();
            return "service metrics:\n" + body.lines()
                    .filter(l -> l.startsWith("delivery_") || l.startsWith("kafka_consumer_fetch_manager_records_lag_max"))
                    .map(l -> "  " + l).collect(Collectors.joining("\n")) + "\n";
        } catch (IOException | RuntimeException e) {
            return "service metrics: not available (" + e + ")\n";
        }
    }

    static String logTail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "last " + lines + " lines of " + log + ":\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException | RuntimeException e) {
            return "log " + log + " not readable: " + e + "\n";
        }
    }
}

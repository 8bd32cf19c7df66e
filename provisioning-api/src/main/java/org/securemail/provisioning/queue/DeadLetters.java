package org.securemail.provisioning.queue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.common.queue.OperatorAction;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.queue.QueueDtos.ActionView;
import org.securemail.provisioning.queue.QueueDtos.DeadLetterPage;
import org.securemail.provisioning.queue.QueueDtos.DeadLetterRecord;
import org.securemail.provisioning.queue.QueueDtos.DeadLetterTopic;
import org.securemail.provisioning.queue.QueueDtos.PartitionRange;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The dead-letter topics of {@code Topics.all()}, read a bounded page at a time, and the replay of one record onto the
 * topic it was dead-lettered from (ADR 0084). Only those topics can be named, and a record only ever goes back to its
 * own source topic: the API takes no target.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    /** Records a page shows at most: a mail dead-letter record can be 27 MiB, which the consumer fetches whole. */
    public static final int MAX_PAGE = 20;
    /** The start of a value and of each header shown as text. */
    static final int PREVIEW = 1024;
    /** Headers shown per record. */
    static final int MAX_HEADERS = 32;
    /** Reads of dead-letter topics at once per replica (each holds up to one fetch of records in memory). */
    static final int MAX_READERS = 2;
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** The connector's headers on a dead-lettered record; they are not copied back by a replay. */
    static final String DEAD_LETTER_HEADER_PREFIX = "dead-letter-";

    @Inject
    KafkaClientSettings kafka;

    @Inject
    QueueService queue;

    private final Semaphore readers = new Semaphore(MAX_READERS);
    private volatile KafkaProducer<byte[], byte[]> producer;

    /** Every dead-letter topic with its offsets. */
    public Uni<QueueDtos.DeadLetterTopics> topics() {
        return blocking(() -> withConsumer(1, consumer -> {
            List<DeadLetterTopic> out = new ArrayList<>();
            for (String topic : Topics.deadLetterTopics()) {
                List<TopicPartition> partitions = partitions(consumer, topic);
                Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, READ_TIMEOUT);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
                List<PartitionRange> ranges = new ArrayList<>();
                long records = 0;
                for (TopicPartition tp : partitions) {
                    ranges.add(new PartitionRange(tp.partition(), start.get(tp), end.get(tp)));
                    records += end.get(tp) - start.get(tp);
                }
                out.add(new DeadLetterTopic(topic, Topics.deadLetterSource(topic).orElseThrow(), ranges, records));
            }
            return new QueueDtos.DeadLetterTopics(out);
        }));
    }

    /** Up to {@code limit} records of one partition from {@code offset} (null: the oldest kept). */
    public Uni<DeadLetterPage> records(String topic, int partition, Long offset, int limit) {
        source(topic);
        if (partition < 0 || (offset != null && offset < 0)) {
            throw ApiProblem.badRequest("partition and offset must not be negative");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiProblem.badRequest("limit must be between 1 and " + MAX_PAGE);
        }
        return blocking(() -> withConsumer(limit, consumer -> {
            TopicPartition tp = partition(consumer, topic, partition);
            List<ConsumerRecord<byte[], byte[]>> read = read(consumer, tp, offset, limit);
            long end = consumer.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
            Long next = read.isEmpty() ? null : read.get(read.size() - 1).offset() + 1;
            return new DeadLetterPage(read.stream().map(this::view).toList(), next == null || next >= end ? null : next);
        })).chain(page -> markReplayed(page));
    }

    /**
     * Writes the record at {@code topic/partition/offset} onto its source topic (key, value and headers, without the
     * {@code dead-letter-*} headers), acks=all, and records the action. 409 when it was replayed before.
     */
    public Uni<ActionView> replay(Caller caller, String topic, int partition, long offset, String reason) {
        String source = source(topic);
        if (partition < 0 || offset < 0) {
            throw ApiProblem.badRequest("partition and offset must not be negative");
        }
        String target = target(topic, partition, offset);
        return queue.replayed(target).chain(done -> {
            if (done) {
                return Uni.createFrom().failure(ApiProblem.conflict("the record at " + target
                        + " was already replayed (see GET /api/v1/queue/actions?target=" + target + ")"));
            }
            return blocking(() -> {
                ConsumerRecord<byte[], byte[]> record = withConsumer(1, consumer -> {
                    List<ConsumerRecord<byte[], byte[]>> read = read(consumer, partition(consumer, topic, partition),
                            offset, 1);
                    if (read.isEmpty() || read.get(0).offset() != offset) {
                        throw ApiProblem.notFound("dead-letter record", target);
                    }
                    return read.get(0);
                });
                return write(source, record);
            }).chain(written -> queue.record(caller, OperatorAction.Action.REPLAY_DEAD_LETTER, target, reason,
                    "replayed onto " + source + " partition " + written.partition() + " offset " + written.offset()));
        });
    }

    static String target(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    /** The source of a dead-letter topic; 404 for any other name. */
    private static String source(String topic) {
        return Topics.deadLetterSource(topic).orElseThrow(() -> ApiProblem.notFound("dead-letter topic",
                topic == null || topic.length() > 100 ? "(name)" : topic));
    }

    private RecordMetadata write(String source, ConsumerRecord<byte[], byte[]> record) {
        ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(source, null, record.key(), record.value());
        for (Header h : record.headers()) {
            if (!h.key().startsWith(DEAD_LETTER_HEADER_PREFIX)) {
                copy.headers().add(h.key(), h.value());
            }
        }
        try {
            return producer().send(copy).get(WRITE_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiProblem.unavailable("the replay was interrupted; check the source topic before replaying again",
                    Duration.ofSeconds(5));
        } catch (Exception e) {
            LOG.warnf("replay of %s/%d/%d onto %s failed: %s", record.topic(), record.partition(), record.offset(),
                    source, e.toString());
            throw ApiProblem.unavailable("the broker did not acknowledge the replay; retry later",
                    Duration.ofSeconds(5));
        }
    }

    private Uni<DeadLetterPage> markReplayed(DeadLetterPage page) {
        if (page.items().isEmpty()) {
            return Uni.createFrom().item(page);
        }
        List<Uni<DeadLetterRecord>> marked = page.items().stream().map(r -> queue
                .replayed(target(r.topic(), r.partition(), r.offset()))
                .map(done -> done ? withReplayed(r) : r)).toList();
        return Uni.join().all(marked).andFailFast().map(items -> new DeadLetterPage(items, page.nextOffset()));
    }

    private static DeadLetterRecord withReplayed(DeadLetterRecord r) {
        return new DeadLetterRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.size(), r.reason(),
                r.cause(), r.sourceTopic(), r.sourcePartition(), r.sourceOffset(), r.headers(), r.valuePreview(), true);
    }

    private DeadLetterRecord view(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            if (headers.size() >= MAX_HEADERS) {
                break;
            }
            headers.put(preview(h.key().getBytes(StandardCharsets.UTF_8)), preview(h.value()));
        }
        return new DeadLetterRecord(r.topic(), r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()),
                r.key() == null ? null : preview(r.key()), r.value() == null ? 0 : r.value().length,
                text(r, "reason"), text(r, "cause"), text(r, "topic"),
                number(r, "partition") == null ? null : number(r, "partition").intValue(), number(r, "offset"),
                headers, r.value() == null ? null : preview(r.value()), false);
    }

    private static String text(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(DEAD_LETTER_HEADER_PREFIX + name);
        return h == null || h.value() == null ? null : preview(h.value());
    }

    private static Long number(ConsumerRecord<byte[], byte[]> r, String name) {
        String text = text(r, name);
        try {
            return text == null ? null : Long.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String preview(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        String text = new String(bytes, 0, Math.min(bytes.length, PREVIEW), StandardCharsets.UTF_8);
        return bytes.length > PREVIEW ? text + "…" : text;
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp,
            Long offset, int limit) {
        consumer.assign(List.of(tp));
        long end = consumer.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
        if (offset == null) {
            consumer.seekToBeginning(List.of(tp));
        } else {
            consumer.seek(tp, offset);
        }
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (out.size() < limit && consumer.position(tp, READ_TIMEOUT) < end) {
            if (System.nanoTime() > deadline) {
                throw ApiProblem.unavailable("the broker did not answer in time", Duration.ofSeconds(5));
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (out.size() < limit) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, READ_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw ApiProblem.unavailable("topic " + topic + " is not on the broker", Duration.ofSeconds(5));
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
    }

    private static TopicPartition partition(KafkaConsumer<byte[], byte[]> consumer, String topic, int partition) {
        return partitions(consumer, topic).stream().filter(tp -> tp.partition() == partition).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("partition", topic + "/" + partition));
    }

    private interface ConsumerWork<T> {
        T apply(KafkaConsumer<byte[], byte[]> consumer);
    }

    /** A short-lived consumer without a group (assign and seek only), at most {@link #MAX_READERS} at once. */
    private <T> T withConsumer(int maxRecords, ConsumerWork<T> work) {
        if (!readers.tryAcquire()) {
            throw ApiProblem.unavailable("other dead-letter reads are in progress", Duration.ofSeconds(1));
        }
        try {
            Map<String, Object> config = new HashMap<>(kafka.consumer("dead-letters"));
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxRecords);
            // fetch one small batch at a time; a record larger than this still comes, alone
            config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1024 * 1024);
            config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024 * 1024);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                return work.apply(consumer);
            } catch (ApiProblem e) {
                throw e;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw ApiProblem.unavailable("the broker did not answer in time", Duration.ofSeconds(5));
            }
        } finally {
            readers.release();
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> config = new HashMap<>(kafka.producer("dead-letter-replay"));
                    config.put(ProducerConfig.ACKS_CONFIG, "all");
                    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAIL_MAX_MESSAGE_BYTES);
                    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis());
                    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis() / 2);
                    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis() / 2);
                    producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
                }
                p = producer;
            }
        }
        return p;
    }

    /**
     * Runs the Kafka client work on a worker thread, and goes on on the caller's Vert.x context (Hibernate Reactive
     * works only there).
     */
    private static <T> Uni<T> blocking(java.util.function.Supplier<T> work) {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        Uni<T> uni = Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return context == null ? uni : uni.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }

    @PreDestroy
    void close() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}

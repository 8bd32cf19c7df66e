package org.securemail.provisioning.quarantine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;

/**
 * The messages themselves, on {@code mail.quarantine}: read back one record by partition and offset, and written to
 * {@code mail.ready} on release ({@code acks=all}, the envelope header kept, the verdict header dropped). Blocking
 * Kafka calls: callers run them on a worker thread, bounded by {@link #TIMEOUT}.
 */
@ApplicationScoped
public class QuarantinedRecords {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Inject
    KafkaClientSettings kafka;

    private volatile KafkaProducer<String, byte[]> producer;

    /** The record at {@code partition}/{@code offset}, empty when it is no longer on the topic. */
    public Optional<ConsumerRecord<String, byte[]>> read(int partition, long offset) {
        Properties props = new Properties();
        props.putAll(kafka.consumer("quarantine-reader"));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(Topics.MAIL_MAX_MESSAGE_BYTES));
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(Topics.MAIL_MAX_MESSAGE_BYTES));
        TopicPartition tp = new TopicPartition(Topics.MAIL_QUARANTINE, partition);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            long first = consumer.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
            if (offset < first) {
                return Optional.empty();
            }
            consumer.seek(tp, offset);
            long end = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == offset) {
                        return Optional.of(record);
                    }
                    if (record.offset() > offset) {
                        return Optional.empty();
                    }
                }
            }
            throw new IllegalStateException("mail.quarantine-" + partition + " offset " + offset + " not read within "
                    + TIMEOUT);
        }
    }

    /** Writes the held message to {@code mail.ready} and waits for the broker's acknowledgement. */
    public void release(ConsumerRecord<String, byte[]> held) throws Exception {
        ProducerRecord<String, byte[]> ready = new ProducerRecord<>(Topics.MAIL_READY, held.key(), held.value());
        Header envelope = held.headers().lastHeader(MailHeaders.ENVELOPE);
        if (envelope != null) {
            ready.headers().add(MailHeaders.ENVELOPE, envelope.value());
        }
        // longer than the producer's own delivery timeout: the producer decides whether the write failed, so a failure
        // reported here is one the broker did not take (a shorter wait could give up on a write that still lands)
        producer().send(ready).get(TIMEOUT.toMillis() + 10_000, TimeUnit.MILLISECONDS);
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.putAll(kafka.producer("quarantine-release"));
                    props.put(ProducerConfig.ACKS_CONFIG, "all");
                    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.MAIL_MAX_MESSAGE_BYTES));
                    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
                    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis() / 2));
                    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
                    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
                }
                p = producer;
            }
        }
        return p;
    }

    @PreDestroy
    void close() {
        KafkaProducer<String, byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}

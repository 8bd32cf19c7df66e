package org.securemail.provisioning.quarantine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;

/**
 * The messages themselves, on {@code mail.quarantine}: read back one record by partition and offset, and released to
 * {@code mail.ready} through the {@link ReleaseWriter} (the envelope header kept, the verdict header dropped).
 * Blocking Kafka calls: callers run them on a worker thread; one {@link #release} takes at most
 * {@link #LONGEST_ATTEMPT}.
 */
@ApplicationScoped
public class QuarantinedRecords {

    private static final Logger LOG = Logger.getLogger(QuarantinedRecords.class);
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    /**
     * Longest one {@link #release} takes: the read (offsets, then polling, each bounded by {@link #TIMEOUT}) and the
     * write ({@link KafkaReleaseWriter#LONGEST_WRITE}), with room for closing the reader. A claim on a row is not
     * taken over by the sweeper before this has passed ({@code provisioning.quarantine.release-retry-after}).
     */
    public static final Duration LONGEST_ATTEMPT = Duration.ofMinutes(2);

    @Inject
    KafkaClientSettings kafka;

    @Inject
    ReleaseWriter writer;

    /**
     * Reads the record at {@code partition}/{@code offset} and writes it to {@code mail.ready}. Never throws: a read
     * that fails wrote nothing ({@link ReleaseOutcome#NOT_WRITTEN}); a record no longer on the topic is
     * {@link ReleaseOutcome#GONE}.
     */
    public ReleaseOutcome release(int partition, long offset) {
        Optional<ConsumerRecord<String, byte[]>> held;
        try {
            held = read(partition, offset);
        } catch (RuntimeException e) {
            LOG.warnf("mail.quarantine-%d@%d could not be read for its release: %s", partition, offset, e.toString());
            return ReleaseOutcome.NOT_WRITTEN;
        }
        return held.map(r -> writer.write(ready(r))).orElse(ReleaseOutcome.GONE);
    }

    /** The record for {@code mail.ready}: key, value and envelope header of the held one (not its verdict). */
    static ProducerRecord<String, byte[]> ready(ConsumerRecord<String, byte[]> held) {
        ProducerRecord<String, byte[]> ready = new ProducerRecord<>(Topics.MAIL_READY, held.key(), held.value());
        Header envelope = held.headers().lastHeader(MailHeaders.ENVELOPE);
        if (envelope != null) {
            ready.headers().add(MailHeaders.ENVELOPE, envelope.value());
        }
        return ready;
    }

    /** The record at {@code partition}/{@code offset}, empty when it is no longer on the topic. */
    private Optional<ConsumerRecord<String, byte[]>> read(int partition, long offset) {
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
}

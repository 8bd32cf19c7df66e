package org.securemail.provisioning.quarantine;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.topics.Topics;

/**
 * {@link ReleaseWriter} on a Kafka producer ({@code acks=all}, idempotent, the producer's own retries within
 * {@link #TIMEOUT}). A failure is {@link ReleaseOutcome#NOT_WRITTEN} only when the record certainly is not on the
 * topic ({@link #classify}); every other failure, above all a timeout, is {@link ReleaseOutcome#UNKNOWN}.
 */
public class KafkaReleaseWriter implements ReleaseWriter, AutoCloseable {

    private static final MessageLog LOG = MessageLog.of(KafkaReleaseWriter.class);
    /** The producer's {@code delivery.timeout.ms} and {@code max.block.ms}. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    /**
     * Longest one {@link #write} takes: {@code send} may block {@code max.block.ms} for metadata, then the wait for the
     * acknowledgement outlasts the producer's delivery timeout (the producer, not this wait, decides the outcome).
     */
    static final Duration LONGEST_WRITE = TIMEOUT.plus(TIMEOUT).plusSeconds(10);

    private final KafkaClientSettings kafka;
    private volatile KafkaProducer<String, byte[]> producer;

    public KafkaReleaseWriter(KafkaClientSettings kafka) {
        this.kafka = kafka;
    }

    @Override
    public ReleaseOutcome write(ProducerRecord<String, byte[]> ready) {
        Future<RecordMetadata> sent;
        try {
            sent = producer().send(ready);
        } catch (RuntimeException e) {
            // thrown by send itself (serialisation, metadata wait, a closed producer): the record never reached the
            // producer's buffer
            LOG.warn(ready.key(), "release of %s to %s refused by the producer: %s", ready.key(), ready.topic(),
                    e.toString());
            return ReleaseOutcome.NOT_WRITTEN;
        }
        try {
            sent.get(TIMEOUT.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            return ReleaseOutcome.WRITTEN;
        } catch (ExecutionException e) {
            ReleaseOutcome outcome = classify(e.getCause());
            LOG.warn(ready.key(), "release of %s to %s failed (%s): %s", ready.key(), ready.topic(), outcome,
                    e.getCause());
            return outcome;
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn(ready.key(), "release of %s to %s not acknowledged in time: its outcome is unknown", ready.key(),
                    ready.topic());
            return ReleaseOutcome.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ReleaseOutcome.UNKNOWN;
        }
    }

    /**
     * The outcome of a send that failed with {@code failure}. Certain ({@link ReleaseOutcome#NOT_WRITTEN}): errors the
     * producer raises before it sends (record too large for {@code max.request.size}, serialisation) and rejections the
     * broker makes before it appends (record or batch too large, invalid record or topic, not authorised or not
     * authenticated). Everything else, above all the producer's {@code TimeoutException} (the delivery timeout expired
     * with the batch possibly appended) and {@code NotEnoughReplicasAfterAppendException}, is {@link
     * ReleaseOutcome#UNKNOWN}.
     */
    static ReleaseOutcome classify(Throwable failure) {
        if (failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException
                || failure instanceof SerializationException || failure instanceof InvalidRecordException
                || failure instanceof InvalidTopicException || failure instanceof AuthorizationException
                || failure instanceof AuthenticationException) {
            return ReleaseOutcome.NOT_WRITTEN;
        }
        return ReleaseOutcome.UNKNOWN;
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.putAll(kafka.producer("quarantine-release"));
                    props.put(ProducerConfig.ACKS_CONFIG, "all");
                    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
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

    @Override
    public void close() {
        KafkaProducer<String, byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }

    /**
     * The application's {@link ReleaseWriter}. Produced with the port as its type, so that its client proxy is the
     * port's and a test can put {@code FakeReleaseWriter} in its place ({@code QuarkusMock.installMockForType}); a
     * proxy of this class could hold nothing but this class.
     */
    @ApplicationScoped
    static class Producer {

        @Produces
        @ApplicationScoped
        ReleaseWriter releaseWriter(KafkaClientSettings kafka) {
            return new KafkaReleaseWriter(kafka);
        }

        void close(@Disposes ReleaseWriter writer) {
            if (writer instanceof KafkaReleaseWriter kafka) {
                kafka.close();
            }
        }
    }
}

package org.securemail.ingest.accept;

import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.Startup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.observe.MessageTracing;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.config.IngestConfig;

/**
 * {@link MailQueue} on {@code mail.accepted}: one record per message (key = queue id, value = the raw message,
 * header {@code sm-envelope} = JSON envelope), an idempotent producer with {@code acks=all}.
 *
 * <p>{@code KafkaProducer.send} can block (metadata, full buffer) up to {@code max.block.ms}, so it is called on a
 * dedicated thread, never on an event loop; the broker's acknowledgement completes the returned stage on the
 * producer's I/O thread. See ADR 0021.
 */
@Startup // created at start-up, never lazily on an event loop
@ApplicationScoped
public class KafkaMailQueue implements MailQueue {

    private static final Logger LOG = Logger.getLogger(KafkaMailQueue.class);
    private static final MessageLog MAIL = MessageLog.of(KafkaMailQueue.class);

    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService sender;
    private final ObjectMapper json;
    private final String topic;
    private final String inspectedTopic;
    private final MessageTracing tracing;

    @Inject
    KafkaMailQueue(IngestConfig config, ObjectMapper json, KafkaClientSettings kafka, MessageTracing tracing) {
        this(producerProperties(config, kafka), config.accept().topic(), config.accept().inspectedTopic(), json,
                tracing);
    }

    /** For tests outside CDI: any producer settings, same behaviour. */
    public KafkaMailQueue(Properties producerProperties, String topic, ObjectMapper json) {
        this(producerProperties, topic, Topics.MAIL_READY, json);
    }

    /**
     * @param topic          where messages for the inspection stage go ({@code mail.accepted})
     * @param inspectedTopic where messages the session already inspected go ({@code mail.ready}, ADR 0077)
     */
    public KafkaMailQueue(Properties producerProperties, String topic, String inspectedTopic, ObjectMapper json) {
        this(producerProperties, topic, inspectedTopic, json, MessageTracing.off());
    }

    /** As above; with traces on, each record carries the transaction's trace context (a publish span's). */
    public KafkaMailQueue(Properties producerProperties, String topic, String inspectedTopic, ObjectMapper json,
            MessageTracing tracing) {
        this.tracing = tracing;
        this.json = json;
        this.topic = topic;
        this.inspectedTopic = inspectedTopic;
        this.producer = new KafkaProducer<>(producerProperties, new StringSerializer(), new ByteArraySerializer());
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ingest-mail-producer");
            t.setDaemon(true);
            return t;
        });
        // fetch the topic's metadata now, off the caller's thread, so the first message does not wait for it
        sender.execute(() -> {
            try {
                producer.partitionsFor(topic);
            } catch (RuntimeException e) {
                LOG.warnf("no metadata for %s yet: %s", topic, e.toString());
            }
        });
    }

    /** The service's shared Kafka settings plus what the durable accept needs (ADR 0021). */
    public static Properties producerProperties(IngestConfig config, KafkaClientSettings kafka) {
        long deadlineMs = config.accept().deadline().toMillis();
        Properties p = new Properties();
        p.putAll(kafka.producer("mail-producer"));
        config.accept().bootstrapServers().ifPresent(servers -> p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAIL_MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(config.accept().bufferMemory(), 2L * Topics.MAIL_MAX_MESSAGE_BYTES));
        p.put(ProducerConfig.LINGER_MS_CONFIG, config.accept().lingerMs());
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        // Give up on a record at about the SMTP deadline, so a 451 rarely races a late success.
        int requestTimeout = (int) Math.max(1000, deadlineMs / 2);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(deadlineMs, requestTimeout + config.accept().lingerMs()));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deadlineMs);
        return p;
    }

    @Override
    public CompletionStage<Void> enqueue(MailEnvelope envelope, byte[] message, byte[] inspection) {
        return enqueue(envelope, message, inspection, null);
    }

    @Override
    public CompletionStage<Void> enqueue(MailEnvelope envelope, byte[] message, byte[] inspection, Context trace) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        byte[] header;
        try {
            header = json.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            acked.completeExceptionally(e);
            return acked;
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(inspection == null ? topic : inspectedTopic,
                envelope.queueId(), message);
        record.headers().add(new RecordHeader(MailHeaders.ENVELOPE, header));
        if (inspection != null) {
            record.headers().add(new RecordHeader(MailHeaders.INSPECTION, inspection));
        }
        Span publish = trace == null || !tracing.enabled() ? null : publishSpan(record, trace);
        if (publish != null) {
            acked.whenComplete((ok, error) -> {
                if (error == null) {
                    publish.end();
                } else {
                    MessageTracing.fail(publish, error);
                }
            });
        }
        try {
            sender.execute(() -> {
                if (acked.isDone()) {
                    return; // the caller's deadline passed while this waited behind a blocked send: do not store
                }
                try {
                    producer.send(record, (metadata, error) -> {
                        if (error == null) {
                            if (publish != null) {
                                publish.setAttribute("messaging.destination.partition.id",
                                        Integer.toString(metadata.partition()));
                                publish.setAttribute("messaging.kafka.offset", metadata.offset());
                            }
                            if (!acked.complete(null)) {
                                MAIL.warn(envelope.queueId(), "%s: acknowledged by the broker after the client was"
                                        + " told 451; its retry will be a duplicate", envelope.queueId());
                            }
                        } else {
                            acked.completeExceptionally(error);
                        }
                    });
                } catch (RuntimeException e) {
                    acked.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /**
     * The span of the write, under the transaction's; its context goes into the record's headers ({@code traceparent}),
     * where the inspection stage (or delivery) continues the trace.
     */
    private Span publishSpan(ProducerRecord<String, byte[]> record, Context trace) {
        Span span = tracing.start(record.topic() + " publish", SpanKind.PRODUCER, trace, record.key());
        span.setAttribute("messaging.system", "kafka");
        span.setAttribute("messaging.destination.name", record.topic());
        span.setAttribute("messaging.operation", "publish");
        span.setAttribute("messaging.kafka.message.key", record.key());
        tracing.inject(MessageTracing.context(trace, span, record.key()), record.headers());
        return span;
    }

    @PreDestroy
    public void close() {
        sender.shutdown();
        producer.close(java.time.Duration.ofSeconds(5));
    }

}

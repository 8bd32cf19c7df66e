package org.securemail.ingest.accept;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.support.Fixtures;
import org.securemail.testing.FreePorts;
import org.securemail.testing.KafkaBroker;

/** The Kafka adapter against a real KRaft broker (and against a port where no broker listens). */
class KafkaMailQueueTest implements MailQueueContract {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static KafkaBroker broker;
    private static KafkaMailQueue queue;
    private static KafkaMailQueue dead;

    private static Properties props(String bootstrap, long deadlineMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAIL_MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * Topics.MAIL_MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deadlineMs);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) deadlineMs);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deadlineMs + 100);
        return p;
    }

    @BeforeAll
    static void start() {
        broker = KafkaBroker.start();
        queue = new KafkaMailQueue(props(broker.bootstrapServers(), 30_000), Topics.MAIL_ACCEPTED, JSON);
        dead = new KafkaMailQueue(props("127.0.0.1:" + FreePorts.next(), 1_500), Topics.MAIL_ACCEPTED, JSON);
    }

    @AfterAll
    static void stop() {
        queue.close();
        dead.close();
        broker.close();
    }

    @Override
    public MailQueue queue() {
        return queue;
    }

    @Override
    public MailQueue unavailableQueue() {
        return dead;
    }

    @Override
    public Optional<FakeMailQueue.Stored> readBack(String queueId) {
        Optional<ConsumerRecord<String, byte[]>> record = Fixtures.find(broker, queueId, Duration.ofSeconds(5));
        return record.map(r -> {
            Header h = r.headers().lastHeader(MailHeaders.ENVELOPE);
            try {
                return new FakeMailQueue.Stored(JSON.readValue(h.value(), MailEnvelope.class), r.value());
            } catch (Exception e) {
                throw new AssertionError("unreadable envelope header", e);
            }
        });
    }
}

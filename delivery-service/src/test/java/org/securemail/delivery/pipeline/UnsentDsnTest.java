package org.securemail.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;
import org.securemail.delivery.state.DeliveryState;
import org.securemail.delivery.testing.TestMail;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.SmtpSink;

/**
 * A bounced recipient becomes final ({@code delivery.state}) only once its DSN was written. Here the DSN cannot be
 * written (the bounce topic does not exist): the record goes to the dead-letter topic and the bounced recipient is
 * not recorded as final, so the record, read again (a crash, a replay of the dead letters), bounces it again with a
 * DSN instead of skipping it without one. The delivered recipient is final (its event was written first).
 */
@QuarkusTest
@TestProfile(UnsentDsnTest.MissingBounceTopic.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class UnsentDsnTest {

    public static class MissingBounceTopic implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("delivery.bounce-topic", "delivery.test.no-such-topic",
                    // fail the DSN send after 2 s instead of waiting for the topic (60 s) and retrying (120 s)
                    "mp.messaging.outgoing.bounce-out.max.block.ms", "2000",
                    "mp.messaging.outgoing.bounce-out.retries", "0");
        }
    }

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper mapper;

    private final SmtpSink sink = SmtpSink.start();

    @AfterEach
    void stop() {
        sink.close();
    }

    @Test
    void aBouncedRecipientIsNotFinalBeforeItsDsnWasWritten() throws Exception {
        sink.rcptReply = r -> r.startsWith("gone") ? "550 5.1.1 no such user" : "250 2.1.5 Ok";
        String domain = "unsent-dsn.test";
        TestMail.routeTo(broker, mapper, domain, sink.port());
        MailEnvelope envelope = new MailEnvelope("QUNSENTDSN1", "alice@origin.test",
                List.of("bob@" + domain, "gone@" + domain), "192.0.2.1", "client.test", null, null, "t1",
                Direction.OUTBOUND, Instant.now(), 40);

        broker.send(Topics.MAIL_READY, "QUNSENTDSN1", "Subject: unsent dsn\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.ENVELOPE, mapper.writeValueAsBytes(envelope)));

        // the DSN send fails: the record is dead-lettered, not lost
        List<ConsumerRecord<String, byte[]>> dead = broker.read(Topics.dlq(Topics.MAIL_READY), 1, Duration.ofSeconds(30));
        assertThat(dead).extracting(ConsumerRecord::key).containsExactly("QUNSENTDSN1");
        assertThat(sink.recipients()).containsExactly("bob@" + domain);

        // every state record of the message (written before the dead letter: the delivered recipient's is written
        // before its session slot is given back)
        Set<String> done = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : broker.read(Topics.DELIVERY_STATE, Integer.MAX_VALUE,
                Duration.ofSeconds(3))) {
            if ("QUNSENTDSN1".equals(r.key())) {
                done.addAll(mapper.readValue(r.value(), DeliveryState.class).done());
            }
        }
        assertThat(done).as("final recipients of the message").containsExactly("bob@" + domain);
    }
}

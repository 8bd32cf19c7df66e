package org.securemail.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;
import org.securemail.delivery.testing.TestMail;
import org.securemail.testing.SmtpSink;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.Management;

/**
 * {@code delivery.input=mail.accepted}: a deployment that runs without the inspection stage (the default,
 * {@code mail.ready}, is what every other delivery test runs with). Delivery then reads only {@code mail.accepted} and
 * queues its bounces there.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestProfile(AcceptedInputTest.AcceptedInput.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class AcceptedInputTest {

    public static class AcceptedInput implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("delivery.input", Topics.MAIL_ACCEPTED);
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
    @Order(1)
    void exposesTheDeliveryMetricsBeforeTheFirstRecord() {
        io.restassured.RestAssured.given().get(Management.url("metrics")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("delivery_messages_in_flight 0.0"))
                .body(org.hamcrest.Matchers.containsString("delivery_recipients_total{outcome=\"delivered\"} 0.0"));
    }

    @Test
    @Order(2)
    void deliversMailFromMailAcceptedAndQueuesBouncesThere() throws Exception {
        sink.rcptReply = r -> r.startsWith("gone") ? "550 5.1.1 no such user" : "250 2.1.5 Ok";
        String domain = "ready-input.test";
        TestMail.routeTo(broker, mapper, domain, sink.port());
        MailEnvelope envelope = new MailEnvelope("QREADY1", "alice@" + domain,
                List.of("bob@" + domain, "gone@" + domain), "192.0.2.1", "client.test", null, null, "t1",
                Direction.OUTBOUND, Instant.now(), 40);

        broker.send(Topics.MAIL_ACCEPTED, "QREADY1", "Subject: ready\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.ENVELOPE, mapper.writeValueAsBytes(envelope)));

        // bob's message, then the DSN for gone@ (queued on mail.accepted, delivered to alice at the same sink)
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.received.size() == 2);
        assertThat(sink.received.get(0).recipients()).containsExactly("bob@" + domain);
        assertThat(sink.received.get(1).sender()).isEmpty();
        assertThat(sink.received.get(1).recipients()).containsExactly("alice@" + domain);
        assertThat(broker.read(Topics.MAIL_READY, 1, Duration.ofSeconds(2))).isEmpty();
    }
}

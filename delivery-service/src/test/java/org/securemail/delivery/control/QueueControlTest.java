package org.securemail.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.queue.QueueCommand;
import org.securemail.common.topics.Topics;
import org.securemail.delivery.pipeline.DeliveryTables;
import org.securemail.delivery.testing.DeliveryEvents;
import org.securemail.delivery.testing.TestMail;
import org.securemail.testing.FreePorts;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.SmtpSink;

/**
 * Operators' commands on {@code delivery.control} (ADR 0084) against a real broker and real SMTP sinks. Every retry
 * waits 10 minutes in this profile, so a delivery within the test's 30 s can only come from the command.
 */
@QuarkusTest
@TestProfile(QueueControlTest.LongRetries.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class QueueControlTest {

    public static class LongRetries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("delivery.retry.delays", "10m,10m,10m,10m,10m");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final DeliveryEvents EVENTS = new DeliveryEvents();

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper mapper;

    @Inject
    DeliveryTables tables;

    private final List<SmtpSink> sinks = new ArrayList<>();

    @BeforeEach
    void collectEvents() {
        EVENTS.follow(broker, mapper, "test-control-events");
    }

    @AfterEach
    void closeSinks() {
        sinks.forEach(SmtpSink::close);
    }

    @Test
    void retryDestinationNowDeliversDeferredMailOnceTheNextHopAnswers() throws Exception {
        int port = FreePorts.next(); // nothing listens yet: the zone is "down"
        String domain = unique("comeback");
        TestMail.routeTo(broker, mapper, domain, port);
        // a message for another dead destination, deferred first on the same partition of the same retry tier: the
        // released message waits behind it unless the command moves it out of the way
        String dead = unique("still-dead");
        TestMail.routeTo(broker, mapper, dead, FreePorts.next());
        String[] ids = samePartitionIds(2);
        queue(ids[0], "alice@origin.test", "bob@" + dead);
        await().atMost(WAIT).until(() -> !events(ids[0], Outcome.DEFERRED).isEmpty());
        queue(ids[1], "alice@origin.test", "bob@" + domain);
        await().atMost(WAIT).until(() -> !events(ids[1], Outcome.DEFERRED).isEmpty());
        DeliveryEvent deferred = events(ids[1], Outcome.DEFERRED).get(0);
        assertThat(deferred.nextAttemptAt()).isAfter(Instant.now().plus(Duration.ofMinutes(5)));

        SmtpSink sink = sink("127.0.0.1", port); // the zone came back
        command(QueueCommand.Kind.RETRY_DESTINATION, domain, Instant.now());

        await().atMost(WAIT).until(() -> events(ids[1], Outcome.DELIVERED).size() == 1);
        assertThat(events(ids[1], Outcome.DELIVERED).get(0).attempt()).isEqualTo(2);
        assertThat(sink.received).hasSize(1);
        // the other destination's message was not attempted again: it still waits for its own due time
        assertThat(events(ids[0])).hasSize(1);
    }

    @Test
    void holdPreventsDeliveryAndReleaseResumesIt() throws Exception {
        SmtpSink sink = sink("127.0.0.1", 0);
        String domain = unique("held");
        TestMail.routeTo(broker, mapper, domain, sink.port());
        String queueId = queueId();
        command(QueueCommand.Kind.HOLD, queueId, Instant.now());
        await().atMost(WAIT).until(() -> tables.controls().decide(queueId, List.of(domain), Instant.now(), null,
                Instant.now()) instanceof QueueControls.Hold);
        queue(queueId, "alice@origin.test", "bob@" + domain);

        // the held message went to the last retry tier without an attempt
        await().atMost(WAIT).until(() -> broker.readToEnd(Topics.deliveryRetry(Topics.DELIVERY_RETRY_TIERS)).stream()
                .anyMatch(r -> queueId.equals(r.key())));
        assertThat(sink.received).isEmpty();
        assertThat(events(queueId)).isEmpty();

        command(QueueCommand.Kind.RELEASE, queueId, Instant.now());
        await().atMost(WAIT).until(() -> events(queueId, Outcome.DELIVERED).size() == 1);
        assertThat(sink.received).hasSize(1);
    }

    @Test
    void deleteBouncesThePendingRecipientsWithADsnToTheSender() throws Exception {
        SmtpSink senderSink = sink("127.0.0.1", 0);
        String senderDomain = unique("sender");
        TestMail.routeTo(broker, mapper, senderDomain, senderSink.port());
        String domain = unique("doomed");
        TestMail.routeTo(broker, mapper, domain, FreePorts.next());
        String queueId = queueId();
        queue(queueId, "alice@" + senderDomain, "bob@" + domain);
        await().atMost(WAIT).until(() -> !events(queueId, Outcome.DEFERRED).isEmpty());

        command(QueueCommand.Kind.DELETE, queueId, Instant.now());

        await().atMost(WAIT).until(() -> events(queueId, Outcome.BOUNCED).size() == 1);
        DeliveryEvent bounced = events(queueId, Outcome.BOUNCED).get(0);
        assertThat(bounced.reply()).startsWith("550 5.7.1 message deleted by the operator").contains("action-" + queueId);
        await().atMost(WAIT).until(() -> senderSink.received.size() == 1);
        assertThat(senderSink.received.get(0).recipients()).containsExactly("alice@" + senderDomain);
        assertThat(senderSink.received.get(0).data()).contains("Status: 5.7.1");
    }

    private SmtpSink sink(String address, int port) {
        SmtpSink sink = port == 0 ? SmtpSink.start() : SmtpSink.start(address, port);
        sinks.add(sink);
        return sink;
    }

    private void command(QueueCommand.Kind kind, String target, Instant at) throws Exception {
        QueueCommand command = new QueueCommand(kind, target, "test", "api-key:test", at, "action-" + target);
        broker.send(Topics.DELIVERY_CONTROL, command.key(), mapper.writeValueAsBytes(command), Map.of());
    }

    private void queue(String queueId, String sender, String... recipients) throws Exception {
        MailEnvelope envelope = new MailEnvelope(queueId, sender, List.of(recipients), "192.0.2.10", "client.test",
                null, null, "t1", Direction.OUTBOUND, Instant.now(), 100);
        TestMail.produceAll(broker, List.of(TestMail.record(mapper, Topics.MAIL_READY, envelope,
                "From: <" + sender + ">\r\nSubject: " + queueId + "\r\n\r\nHello.\r\n")));
    }

    private static String queueId() {
        return "Q" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
    }

    /** Queue ids that Kafka's default partitioner puts on the same partition of a 6-partition topic. */
    private static String[] samePartitionIds(int count) {
        List<String> ids = new ArrayList<>();
        int wanted = -1;
        while (ids.size() < count) {
            String id = queueId();
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 6;
            if (wanted < 0) {
                wanted = partition;
            }
            if (partition == wanted) {
                ids.add(id);
            }
        }
        return ids.toArray(String[]::new);
    }

    private static String unique(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
    }

    private static List<DeliveryEvent> events(String queueId) {
        return EVENTS.of(queueId);
    }

    private static List<DeliveryEvent> events(String queueId, Outcome outcome) {
        return events(queueId).stream().filter(e -> e.outcome() == outcome).toList();
    }
}

package org.securemail.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.NextHop;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.common.topics.Topics;
import org.securemail.delivery.testing.DeliveryEvents;
import org.securemail.delivery.testing.FakeDnsProducer;
import org.securemail.delivery.testing.NextHopPortResource;
import org.securemail.testing.LogCapture;
import org.securemail.testing.SmtpSink;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;
import org.securemail.testing.Management;

/**
 * The whole delivery flow against a real Kafka broker and real SMTP servers (the scriptable sink): routing,
 * retries through the tier topics, DSN bounces through the normal queue, events, idempotence, isolation.
 * Retry delays are 1 s in the test profile.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = NextHopPortResource.class, restrictToAnnotatedClass = true)
class DeliveryFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final DeliveryEvents EVENTS = new DeliveryEvents();

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    MeterRegistry registry;

    private double counter(String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : c.count();
    }

    @Inject
    ObjectMapper mapper;

    private final List<SmtpSink> sinks = new ArrayList<>();

    @BeforeEach
    void collectEvents() {
        EVENTS.follow(broker, mapper, "test-events");
    }

    @AfterEach
    void closeSinks() {
        sinks.forEach(SmtpSink::close);
    }

    private SmtpSink sink() {
        SmtpSink sink = SmtpSink.start();
        sinks.add(sink);
        return sink;
    }

    private static String unique(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
    }

    private void provision(String domain, SmtpSink... hops) {
        List<NextHop> nextHops = new ArrayList<>();
        for (int i = 0; i < hops.length; i++) {
            nextHops.add(new NextHop("127.0.0.1", hops[i].port(), 10 * (i + 1), TlsPolicy.OPPORTUNISTIC));
        }
        DomainRecord record = new DomainRecord(domain, "tenant-1", true, nextHops, false, 0, true, null, 1);
        try {
            broker.send(Topics.PROVISIONING_DOMAINS, domain, mapper.writeValueAsBytes(record), Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An authenticated submission (OUTBOUND): its failures are reported to the sender by DSN. */
    private String queue(String sender, Instant receivedAt, String... recipients) {
        String queueId = "Q" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
        send(null, queueId, Direction.OUTBOUND, sender, receivedAt, recipients);
        return queueId;
    }

    private void send(Integer partition, String queueId, String sender, Instant receivedAt, String... recipients) {
        send(partition, queueId, Direction.OUTBOUND, sender, receivedAt, recipients);
    }

    private void send(Integer partition, String queueId, Direction direction, String sender, Instant receivedAt,
            String... recipients) {
        MailEnvelope envelope = new MailEnvelope(queueId, sender, List.of(recipients), "192.0.2.10", "client.test",
                null, null, "tenant-1", direction, receivedAt, 100);
        byte[] message = ("From: <" + sender + ">\r\nSubject: test " + queueId + "\r\nMessage-ID: <" + queueId
                + "@client.test>\r\n\r\nHello.\r\n.leading dot\r\n").getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer = broker.producer()) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.MAIL_READY, partition, queueId, message);
            record.headers().add(MailHeaders.ENVELOPE, mapper.writeValueAsBytes(envelope));
            producer.send(record).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<DeliveryEvent> events(String queueId) {
        return EVENTS.of(queueId);
    }

    private static List<DeliveryEvent> events(String queueId, Outcome outcome) {
        return events(queueId).stream().filter(e -> e.outcome() == outcome).toList();
    }

    @Test
    void deliversToAProvisionedRouteAndPublishesAnEventPerRecipient() {
        SmtpSink sink = sink();
        String domain = unique("customer");
        provision(domain, sink);

        String queueId = queue("alice@origin.test", Instant.now(), "bob@" + domain, "carol@" + domain);

        await().atMost(WAIT).until(() -> events(queueId, Outcome.DELIVERED).size() == 2);
        assertThat(sink.received).hasSize(1);
        assertThat(sink.received.get(0).recipients()).containsExactlyInAnyOrder("bob@" + domain, "carol@" + domain);
        assertThat(sink.received.get(0).data()).contains("\r\n.leading dot\r\n");
        DeliveryEvent event = events(queueId, Outcome.DELIVERED).get(0);
        assertThat(event.attempt()).isEqualTo(1);
        assertThat(event.remoteHost()).isEqualTo("127.0.0.1[127.0.0.1]:" + sink.port());
        assertThat(event.reply()).startsWith("250");
    }

    @Test
    void defersOnA4xxAndDeliversOnTheRetry() {
        SmtpSink sink = sink();
        AtomicInteger tries = new AtomicInteger();
        sink.rcptReply = r -> tries.incrementAndGet() == 1 ? "451 4.3.0 try again later" : "250 2.1.5 Ok";
        String domain = unique("greylist");
        provision(domain, sink);

        String queueId = queue("alice@origin.test", Instant.now(), "bob@" + domain);

        await().atMost(WAIT).until(() -> events(queueId, Outcome.DELIVERED).size() == 1);
        DeliveryEvent deferred = events(queueId, Outcome.DEFERRED).get(0);
        assertThat(deferred.reply()).contains("451 4.3.0");
        assertThat(deferred.nextAttemptAt()).isAfter(deferred.at());
        assertThat(events(queueId, Outcome.DELIVERED).get(0).attempt()).isEqualTo(2);
        assertThat(sink.recipients()).containsExactly("bob@" + domain);
        assertThat(events(queueId, Outcome.BOUNCED)).isEmpty();
    }

    @Test
    void bouncesA5xxWithAnRfc3464ReportToTheSender() {
        SmtpSink recipientSink = sink();
        recipientSink.rcptReply = r -> r.startsWith("nobody") ? "550 5.1.1 <" + r + ">: user unknown" : "250 2.1.5 Ok";
        SmtpSink senderSink = sink();
        String recipientDomain = unique("strict");
        String senderDomain = unique("sender");
        provision(recipientDomain, recipientSink);
        provision(senderDomain, senderSink);

        String queueId = queue("alice@" + senderDomain, Instant.now(), "nobody@" + recipientDomain,
                "bob@" + recipientDomain);

        await().atMost(WAIT).until(() -> senderSink.received.size() == 1);
        SmtpSink.Received dsn = senderSink.received.get(0);
        assertThat(dsn.sender()).isEmpty();
        assertThat(dsn.recipients()).containsExactly("alice@" + senderDomain);
        assertThat(dsn.data()).contains("multipart/report; report-type=delivery-status")
                .contains("Final-Recipient: rfc822; nobody@" + recipientDomain)
                .contains("Status: 5.1.1")
                .contains("Subject: test " + queueId)
                .doesNotContain("Final-Recipient: rfc822; bob@");
        // the event was acknowledged before the DSN could be delivered, but the test's event reader may lag
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(queueId, Outcome.BOUNCED))
                .extracting(DeliveryEvent::recipient).containsExactly("nobody@" + recipientDomain));
        assertThat(recipientSink.recipients()).containsExactly("bob@" + recipientDomain);
    }

    @Test
    void bouncesWhenTheLifetimeExpires() {
        SmtpSink recipientSink = sink();
        recipientSink.rcptReply = r -> "451 4.2.1 mailbox temporarily unavailable";
        SmtpSink senderSink = sink();
        String recipientDomain = unique("never");
        String senderDomain = unique("patient");
        provision(recipientDomain, recipientSink);
        provision(senderDomain, senderSink);
        // accepted almost 5 days (the default lifetime) ago: a few retries, then expiry
        Instant receivedAt = Instant.now().minus(Duration.ofDays(5)).plus(Duration.ofSeconds(3));

        String queueId = queue("alice@" + senderDomain, receivedAt, "bob@" + recipientDomain);

        // first a delay notice (the message is older than the 4 h delay warning), then the expiry DSN
        await().atMost(WAIT).until(() -> senderSink.received.stream().anyMatch(m -> m.data().contains("Status: 4.4.7")));
        assertThat(senderSink.received).hasSize(2);
        assertThat(senderSink.received.get(0).data()).contains("Action: delayed");
        assertThat(senderSink.received.get(1).data()).contains("Action: failed").contains("Status: 4.4.7")
                .contains("451 4.2.1 mailbox temporarily unavailable");
        assertThat(events(queueId, Outcome.DEFERRED)).isNotEmpty();
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(queueId, Outcome.BOUNCED)).hasSize(1));
        assertThat(recipientSink.received).isEmpty();
    }

    @Test
    void warnsTheSenderOnceWhenAMessageIsStillQueuedAfterFourHours() {
        SmtpSink recipientSink = sink();
        recipientSink.rcptReply = r -> "452 4.2.2 mailbox full";
        SmtpSink senderSink = sink();
        String recipientDomain = unique("slow");
        String senderDomain = unique("waiting");
        provision(recipientDomain, recipientSink);
        provision(senderDomain, senderSink);

        String queueId = queue("alice@" + senderDomain, Instant.now().minus(Duration.ofHours(4)).minusSeconds(10),
                "bob@" + recipientDomain);

        await().atMost(WAIT).until(() -> events(queueId, Outcome.DEFERRED).size() >= 4);
        assertThat(senderSink.received).hasSize(1);
        SmtpSink.Received notice = senderSink.received.get(0);
        assertThat(notice.sender()).isEmpty();
        assertThat(notice.data()).contains("Subject: Delayed Mail (still being retried)")
                .contains("Action: delayed").contains("Status: 4.2.2").contains("Will-Retry-Until: ")
                .contains("Final-Recipient: rfc822; bob@" + recipientDomain);
        assertThat(events(queueId, Outcome.BOUNCED)).isEmpty();
    }

    /**
     * Issue 16 item 6: one INFO line per attempt and recipient group, with the queue id (text and MDC), the next hop,
     * the reply and the delay since the message was accepted; written from whatever thread ends the attempt.
     */
    @Test
    void logsOneInfoLinePerAttemptWithTheQueueIdNextHopReplyAndDelay() {
        SmtpSink sink = sink();
        AtomicInteger carolTries = new AtomicInteger();
        sink.rcptReply = r -> r.startsWith("nobody") ? "550 5.1.1 <" + r + ">: user unknown"
                : r.startsWith("carol") && carolTries.incrementAndGet() == 1 ? "451 4.3.0 try again later"
                : "250 2.1.5 Ok";
        String domain = unique("logged");
        provision(domain, sink);

        try (LogCapture log = LogCapture.of("org.securemail.delivery")) {
            // the null sender: the bounce makes no DSN (whose own delivery would add lines)
            String queueId = queue("", Instant.now().minusSeconds(3), "bob@" + domain, "nobody@" + domain,
                    "carol@" + domain);

            await().atMost(WAIT).until(() -> events(queueId, Outcome.DELIVERED).size() == 2);
            String relay = "relay=127.0.0.1[127.0.0.1]:" + sink.port();
            await().atMost(WAIT).untilAsserted(() -> assertThat(attemptLines(log, queueId)).hasSize(4));
            List<String> lines = attemptLines(log, queueId);
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(queueId + ": to=<bob@" + domain + ">, " + relay
                    + ", attempt=1, delay=").containsPattern("delay=([3-9]|[1-9]\\d+)\\.\\d\\d, dsn=2\\.\\d\\.\\d, status=delivered \\(250 "));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(queueId + ": to=<nobody@" + domain + ">, "
                    + relay + ", attempt=1, ").contains("dsn=5.1.1, status=bounced (550 5.1.1 <nobody@" + domain
                    + ">: user unknown)"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(queueId + ": to=<carol@" + domain + ">, "
                    + relay + ", attempt=1, ").contains("dsn=4.3.0, status=deferred (451 4.3.0 try again later), next="));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(queueId + ": to=<carol@" + domain + ">, "
                    + relay + ", attempt=2, ").contains("status=delivered (250 "));
            // every line about the message carries its queue id in the MDC (the JSON field mdc.queue_id)
            assertThat(log.lines()).filteredOn(l -> l.message().startsWith(queueId + ":"))
                    .allSatisfy(l -> assertThat(l.mdc(MessageLog.QUEUE_ID)).isEqualTo(queueId));
            assertThat(log.withMdc(MessageLog.QUEUE_ID, queueId)).extracting(LogCapture.Line::category)
                    .contains("org.securemail.delivery.attempt", OutcomeWriter.class.getName());
        }
    }

    private static List<String> attemptLines(LogCapture log, String queueId) {
        return log.withMdc(MessageLog.QUEUE_ID, queueId).stream()
                .filter(l -> l.category().equals(AttemptLog.CATEGORY)).map(LogCapture.Line::message).toList();
    }

    @Test
    void usesTheSecondMxWhenTheFirstIsDead() {
        int port = NextHopPortResource.port;
        SmtpSink mx2 = SmtpSink.start("127.0.0.2", port);
        sinks.add(mx2);
        String domain = unique("mx");
        FakeDnsProducer.DNS.answer(domain, DnsType.MX, "10 mx1." + domain, "20 mx2." + domain);
        FakeDnsProducer.DNS.answer("mx1." + domain, DnsType.A, "127.0.0.3");
        FakeDnsProducer.DNS.answer("mx2." + domain, DnsType.A, "127.0.0.2");

        String queueId = queue("alice@origin.test", Instant.now(), "bob@" + domain);

        await().atMost(WAIT).until(() -> events(queueId, Outcome.DELIVERED).size() == 1);
        assertThat(mx2.recipients()).containsExactly("bob@" + domain);
        assertThat(events(queueId, Outcome.DELIVERED).get(0).remoteHost()).startsWith("mx2." + domain + "[127.0.0.2]");
    }

    /**
     * ADR 0092: the consumer's context only admits records; each delivery starts (its route lookup included) on one of
     * the service's event loops in turn. When deliveries started on the consumer's one thread, every lookup of this
     * test was made from that thread, and in a cold burst the records waited seconds there for their turn.
     */
    @Test
    void deliveriesStartOnTheServicesEventLoopsNotAllOnTheConsumersThread() {
        SmtpSink mx = SmtpSink.start("127.0.0.5", NextHopPortResource.port);
        sinks.add(mx);
        List<String> domains = new ArrayList<>();
        List<String> queueIds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String domain = unique("loops");
            domains.add(domain);
            FakeDnsProducer.DNS.answer(domain, DnsType.MX, "10 mx." + domain);
            FakeDnsProducer.DNS.answer("mx." + domain, DnsType.A, "127.0.0.5");
        }
        // one partition, one record after the other: the same consumer admits them all
        for (String domain : domains) {
            String queueId = "Q" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
            send(0, queueId, "alice@origin.test", Instant.now(), "bob@" + domain);
            queueIds.add(queueId);
        }

        await().atMost(WAIT).until(() -> queueIds.stream().allMatch(q -> events(q, Outcome.DELIVERED).size() == 1));
        Set<String> threads = domains.stream()
                .map(d -> FakeDnsProducer.DNS.callerThread(d, DnsType.MX).orElseThrow()).collect(Collectors.toSet());
        assertThat(threads).as("threads that started the deliveries (looked up their MX)").hasSizeGreaterThan(1)
                .allMatch(t -> t.startsWith("vert.x-eventloop-thread-"));
    }

    @Test
    void defersOnATemporaryDnsFailureAndDeliversOnceDnsAnswers() {
        int port = NextHopPortResource.port;
        SmtpSink mx = SmtpSink.start("127.0.0.4", port);
        sinks.add(mx);
        String domain = unique("flaky");
        FakeDnsProducer.DNS.status(domain, DnsType.MX, DnsStatus.FAILED);

        String queueId = queue("alice@origin.test", Instant.now(), "bob@" + domain);

        await().atMost(WAIT).until(() -> events(queueId, Outcome.DEFERRED).size() >= 2);
        assertThat(events(queueId, Outcome.DEFERRED).get(0).reply()).contains("4.4.3");
        assertThat(events(queueId, Outcome.BOUNCED)).isEmpty();
        FakeDnsProducer.DNS.answer(domain, DnsType.MX, "10 mx." + domain);
        FakeDnsProducer.DNS.answer("mx." + domain, DnsType.A, "127.0.0.4");

        await().atMost(WAIT).until(() -> events(queueId, Outcome.DELIVERED).size() == 1);
        assertThat(mx.recipients()).containsExactly("bob@" + domain);
        assertThat(events(queueId, Outcome.BOUNCED)).isEmpty();
    }

    @Test
    void aDeadDestinationDoesNotDelayAHealthyOneOnTheSamePartition() {
        SmtpSink stalled = sink();
        stalled.stall = true;
        SmtpSink healthy = sink();
        String dead = unique("dead");
        String alive = unique("alive");
        provision(dead, stalled);
        provision(alive, healthy);

        // baseline: 20 messages to the healthy destination alone
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            send(0, "BASE" + i + UUID.randomUUID().toString().substring(0, 6), "a@origin.test", Instant.now(),
                    "u" + i + "@" + alive);
        }
        await().atMost(WAIT).until(() -> healthy.received.size() == 20);
        Duration baseline = Duration.ofNanos(System.nanoTime() - t0);

        // now the dead destination's mail first on the same partition, then 20 more healthy ones
        List<String> deadIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = "DEAD" + i + UUID.randomUUID().toString().substring(0, 6);
            deadIds.add(id);
            send(0, id, "a@origin.test", Instant.now(), "u" + i + "@" + dead);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            send(0, "LIVE" + i + UUID.randomUUID().toString().substring(0, 6), "a@origin.test", Instant.now(),
                    "v" + i + "@" + alive);
        }
        await().atMost(WAIT).until(() -> healthy.received.size() == 40);
        Duration withDead = Duration.ofNanos(System.nanoTime() - t1);

        System.out.printf("healthy destination: 20 messages in %d ms alone, %d ms behind a stalled destination%n",
                baseline.toMillis(), withDead.toMillis());
        // the stalled sessions are still waiting for a greeting (30 s timeout in the test profile)
        assertThat(deadIds).allMatch(id -> events(id).isEmpty());
        assertThat(stalled.connections.get()).isEqualTo(5);
        assertThat(withDead).isLessThan(baseline.multipliedBy(3).plusSeconds(2));
    }

    @Test
    void parksWorkThatWaitedTooLongForAStalledDestinationsSlots() {
        SmtpSink stalled = sink();
        stalled.stall = true;
        String domain = unique("stalled");
        provision(domain, stalled);
        List<String> ids = new ArrayList<>();
        // 20 sessions (the destination limit) stall; the 5 messages behind them wait for a slot (queue-wait 2 s)
        for (int i = 0; i < 25; i++) {
            String id = "STALL" + i + UUID.randomUUID().toString().substring(0, 6);
            ids.add(id);
            send(null, id, "a@origin.test", Instant.now(), "u" + i + "@" + domain);
        }

        Map<String, Boolean> parked = new ConcurrentHashMap<>();
        await().atMost(WAIT).until(() -> {
            broker.read(Topics.DELIVERY_PARK, 1000, Duration.ofSeconds(1)).forEach(r -> parked.put(r.key(), true));
            return ids.stream().filter(parked::containsKey).count() >= 5;
        });
        assertThat(stalled.connections.get()).isEqualTo(20);
        assertThat(ids).allMatch(id -> events(id).isEmpty());
    }

    @Test
    void doesNotDeliverARecipientAgainWhenTheRecordIsReadAgain() {
        SmtpSink sink = sink();
        String domain = unique("once");
        provision(domain, sink);
        String queueId = "Q" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        send(null, queueId, "alice@origin.test", Instant.now(), "bob@" + domain);
        await().atMost(WAIT).until(() -> events(queueId, Outcome.DELIVERED).size() == 1);

        // the same record again (as after a restart before the offset commit), with one new recipient
        send(null, queueId, "alice@origin.test", Instant.now(), "bob@" + domain, "carol@" + domain);

        await().atMost(WAIT).until(() -> events(queueId, Outcome.DELIVERED).size() == 2);
        assertThat(sink.recipients()).containsExactly("bob@" + domain, "carol@" + domain);
    }

    /** Issue 12: relayed inbound mail has an unauthenticated, often forged, sender: a later failure is no DSN. */
    @Test
    void aFailureOfRelayedInboundMailIsRecordedWithoutBackscatter() {
        SmtpSink recipientSink = sink();
        recipientSink.rcptReply = r -> "550 5.1.1 <" + r + ">: user unknown";
        SmtpSink forgedSenderSink = sink();
        String recipientDomain = unique("customer");
        String forgedDomain = unique("forged");
        provision(recipientDomain, recipientSink);
        provision(forgedDomain, forgedSenderSink);
        double withheld = counter("delivery.bounces.withheld");

        String queueId = "Q" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
        send(null, queueId, Direction.INBOUND, "victim@" + forgedDomain, Instant.now(), "nobody@" + recipientDomain);

        await().atMost(WAIT).until(() -> events(queueId, Outcome.BOUNCED).size() == 1);
        await().atMost(WAIT).until(() -> counter("delivery.bounces.withheld") == withheld + 1);
        // the DSN would have been queued before the counter moved; nothing reached the forged sender's domain
        assertThat(forgedSenderSink.received).isEmpty();
        assertThat(forgedSenderSink.commands).noneMatch(c -> c.startsWith("RCPT TO:<victim@"));
    }

    @Test
    void sendsNoDsnForTheNullSender() {
        SmtpSink sink = sink();
        sink.rcptReply = r -> "550 5.1.1 user unknown";
        String domain = unique("bounce-of-bounce");
        provision(domain, sink);

        String queueId = queue("", Instant.now(), "bob@" + domain);

        await().atMost(WAIT).until(() -> events(queueId, Outcome.BOUNCED).size() == 1);
        assertThat(EVENTS.all()).noneMatch(e -> e.recipient().isEmpty());
    }

    @Test
    void exposesReadinessAndDeliveryMetrics() {
        SmtpSink sink = sink();
        String domain = unique("metrics");
        provision(domain, sink);
        String queueId = queue("alice@origin.test", Instant.now(), "bob@" + domain);
        await().atMost(WAIT).until(() -> events(queueId, Outcome.DELIVERED).size() == 1);

        io.restassured.RestAssured.given().get(Management.url("health/ready")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("delivery-tables"));
        io.restassured.RestAssured.given().get(Management.url("metrics")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("delivery_recipients_total{outcome=\"delivered\"}"))
                .body(org.hamcrest.Matchers.containsString("delivery_messages_in_flight"))
                .body(org.hamcrest.Matchers.containsString("delivery_session_seconds_count"))
                // where a delivery's time goes: before it starts, the route, the session slot, the SMTP part
                .body(org.hamcrest.Matchers.containsString("delivery_admission_wait_seconds_count"))
                .body(org.hamcrest.Matchers.containsString("delivery_route_seconds_count"))
                .body(org.hamcrest.Matchers.containsString("delivery_slot_wait_seconds_count"))
                .body(org.hamcrest.Matchers.containsString("delivery_transaction_seconds_count"));
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopic() {
        String queueId = "BROKEN" + UUID.randomUUID().toString().substring(0, 8);
        broker.send(Topics.MAIL_READY, queueId, "no envelope".getBytes(StandardCharsets.UTF_8), Map.of());

        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        await().atMost(WAIT).until(() -> {
            broker.read(Topics.dlq(Topics.MAIL_READY), 100, Duration.ofSeconds(1))
                    .forEach(r -> seen.put(r.key(), true));
            return seen.containsKey(queueId);
        });
    }
}

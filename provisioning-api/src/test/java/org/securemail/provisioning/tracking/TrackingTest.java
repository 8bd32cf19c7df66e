package org.securemail.provisioning.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.securemail.provisioning.Api.operator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.delivery.DeliveryEvent;
import org.securemail.common.delivery.Outcome;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.InspectionSummary;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.topics.Topics;
import org.securemail.provisioning.Api;
import org.securemail.provisioning.TopicReader;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/** Tracking fed through the real broker: accepted envelopes and delivery events, with duplicates and replays. */
@QuarkusTest
class TrackingTest {

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    String tenant;
    String tenantKey;
    Instant t0;

    @BeforeEach
    void tenant() {
        tenant = Api.createTenant("tracking");
        tenantKey = Api.tenantKey(tenant);
        t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void timelineShowsAcceptThenEachAttemptDespiteDuplicatesAndEarlyEvents() throws Exception {
        String id = queueId();
        // a delivery event may overtake its accept record (different topics): it is kept and shown later
        delivery(new DeliveryEvent(id, "bob@b.example", 1, Outcome.DEFERRED, "mx.b.example[192.0.2.2]:25",
                "451 4.7.1 try later", t0.plusSeconds(300), t0.plusSeconds(2)));
        accepted(envelope(id, "alice@a.example", List.of("bob@b.example", "carol@c.example"), t0));
        accepted(envelope(id, "alice@a.example", List.of("bob@b.example", "carol@c.example"), t0)); // replay
        delivery(new DeliveryEvent(id, "carol@c.example", 1, Outcome.DELIVERED, "mx.c.example[192.0.2.3]:25",
                "250 2.0.0 ok", null, t0.plusSeconds(1)));
        delivery(new DeliveryEvent(id, "bob@b.example", 2, Outcome.DELIVERED, "mx.b.example[192.0.2.2]:25",
                "250 2.0.0 queued", null, t0.plusSeconds(301)));
        // duplicates, and a stale deferral replayed after the final outcome
        delivery(new DeliveryEvent(id, "bob@b.example", 2, Outcome.DELIVERED, "mx.b.example[192.0.2.2]:25",
                "250 2.0.0 queued", null, t0.plusSeconds(301)));
        delivery(new DeliveryEvent(id, "bob@b.example", 1, Outcome.DEFERRED, "mx.b.example[192.0.2.2]:25",
                "451 4.7.1 try later", t0.plusSeconds(300), t0.plusSeconds(2)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.as(tenantKey).get("/api/v1/messages/" + id)
                .then().statusCode(200)
                .body("timeline", hasSize(4))
                .body("recipients.find { it.recipient == 'bob@b.example' }.status", equalTo("DELIVERED")));

        Api.as(tenantKey).get("/api/v1/messages/" + id).then().statusCode(200)
                .body("sender", equalTo("alice@a.example"))
                .body("tenantId", equalTo(tenant))
                .body("direction", equalTo("OUTBOUND"))
                .body("timeline.event", contains("ACCEPTED", "DELIVERED", "DEFERRED", "DELIVERED"))
                .body("timeline.recipient", contains(null, "carol@c.example", "bob@b.example", "bob@b.example"))
                .body("recipients.recipient", contains("bob@b.example", "carol@c.example"))
                .body("recipients[0].attempts", equalTo(2))
                .body("recipients[0].history.outcome", contains("DEFERRED", "DELIVERED"))
                .body("recipients[0].history[0].reply", equalTo("451 4.7.1 try later"))
                .body("recipients[1].status", equalTo("DELIVERED"));
    }

    @Test
    void theTimelineShowsEachChecksResultAndWhatAPolicyHeld() throws Exception {
        String id = queueId();
        MailEnvelope env = new MailEnvelope(id, "ceo@forger.example", List.of("a@one.example", "b@two.example"),
                "192.0.2.66", "forger.example", null, null, tenant, Direction.INBOUND, t0, 100);
        accepted(env);
        List<InspectionSummary.Check> checks = List.of(
                new InspectionSummary.Check("spf", "fail", "mailfrom=ceo@forger.example"),
                new InspectionSummary.Check("dmarc", "none", "header.from=forger.example"));
        inspected(Topics.MAIL_READY, id, new InspectionSummary(t0.plusSeconds(1), "DELIVER", checks, List.of(),
                List.of(), 1));
        InspectionSummary held = new InspectionSummary(t0.plusSeconds(2), "REJECT", checks,
                List.of("spf=fail (policy reject)"), List.of(), 1);
        inspected(Topics.MAIL_QUARANTINE, id, held);
        inspected(Topics.MAIL_QUARANTINE, id, held); // a replay changes nothing
        // a record without the header (a release from quarantine, submitted mail) adds nothing
        broker.send(Topics.MAIL_READY, id, "x".getBytes(StandardCharsets.UTF_8), Map.of());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.as(tenantKey).get("/api/v1/messages/" + id)
                .then().statusCode(200).body("timeline.event", contains("ACCEPTED", "INSPECTED", "REJECTED")));
        Api.as(tenantKey).get("/api/v1/messages/" + id).then().statusCode(200)
                .body("timeline.find { it.event == 'REJECTED' }.reply", equalTo("spf=fail (policy reject)"))
                .body("timeline.find { it.event == 'REJECTED' }.checks.check", contains("spf", "dmarc"))
                .body("timeline.find { it.event == 'INSPECTED' }.checks[0].result", equalTo("fail"))
                .body("timeline.find { it.event == 'INSPECTED' }.checks[0].detail",
                        equalTo("mailfrom=ceo@forger.example"))
                .body("timeline.find { it.event == 'ACCEPTED' }.checks", nullValue());
    }

    @Test
    void aMessageInspectedInTheSessionIsTrackedFromItsOnlyRecordOnMailReady() throws Exception {
        String id = queueId();
        MailEnvelope env = new MailEnvelope(id, "news@sender.example", List.of("a@one.example"), "192.0.2.7",
                "mx.sender.example", null, null, tenant, Direction.INBOUND, t0, 321);
        InspectionSummary inSession = new InspectionSummary(t0, "DELIVER", List.of(
                new InspectionSummary.Check("spf", "pass", "smtp.mailfrom=news@sender.example")), List.of(), List.of(),
                0);
        // passes 0: the session decided; the record never went through mail.accepted, it carries the envelope
        broker.send(Topics.MAIL_READY, id, "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.INSPECTION, json.writeValueAsBytes(inSession),
                        MailHeaders.ENVELOPE, json.writeValueAsBytes(env)));
        // hostile: a session summary whose envelope names another message is skipped, never tracked under either id
        double skippedBefore = skipped("inspection");
        String other = queueId();
        String forged = queueId();
        broker.send(Topics.MAIL_READY, forged, "x".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.INSPECTION, json.writeValueAsBytes(inSession), MailHeaders.ENVELOPE,
                        json.writeValueAsBytes(new MailEnvelope(other, "x@y.example", List.of("a@one.example"),
                                "192.0.2.8", "h", null, null, tenant, Direction.INBOUND, t0, 1))));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.as(tenantKey).get("/api/v1/messages/" + id)
                .then().statusCode(200).body("timeline.event", contains("ACCEPTED", "INSPECTED"))
                .body("sender", equalTo("news@sender.example"))
                .body("recipients.recipient", contains("a@one.example"))
                .body("recipients[0].status", equalTo("QUEUED")));
        Api.as(tenantKey).get("/api/v1/messages/" + id).then().statusCode(200)
                .body("timeline.find { it.event == 'INSPECTED' }.checks[0].result", equalTo("pass"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(skipped("inspection")).isGreaterThanOrEqualTo(skippedBefore + 1));
        Api.as(tenantKey).get("/api/v1/messages/" + other).then().statusCode(404);
        Api.as(tenantKey).get("/api/v1/messages/" + forged).then().statusCode(404);
    }

    private void inspected(String topic, String id, InspectionSummary summary) throws Exception {
        broker.send(topic, id, "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.INSPECTION, json.writeValueAsBytes(summary)));
    }

    @Test
    void searchFiltersByTenantSenderRecipientTimeAndStatusWithCursorPaging() throws Exception {
        String a = queueId();
        String b = queueId();
        String c = queueId();
        String sender = "s" + System.nanoTime() + "@a.example";
        accepted(envelope(a, sender, List.of("x@x.example"), t0));
        accepted(envelope(b, sender, List.of("y@y.example"), t0.plusSeconds(10)));
        accepted(envelope(c, sender, List.of("x@x.example"), t0.plusSeconds(20)));
        delivery(new DeliveryEvent(b, "y@y.example", 1, Outcome.BOUNCED, "mx.y.example[192.0.2.9]:25",
                "550 5.1.1 no such user", null, t0.plusSeconds(11)));
        // the records travel on different partitions: wait until all three and the bounce were consumed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.as(tenantKey).queryParam("sender", sender)
                .get("/api/v1/messages").then().statusCode(200).body("items", hasSize(3)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.as(tenantKey).queryParam("status", "bounced")
                .queryParam("sender", sender).get("/api/v1/messages")
                .then().statusCode(200).body("items.queueId", contains(b)));

        String cursor = Api.as(tenantKey).queryParam("sender", sender.toUpperCase()).queryParam("limit", 2)
                .get("/api/v1/messages").then().statusCode(200)
                .body("items.queueId", contains(c, b)).body("nextCursor", notNullValue())
                .extract().path("nextCursor");
        Api.as(tenantKey).queryParam("sender", sender).queryParam("limit", 2).queryParam("cursor", cursor)
                .get("/api/v1/messages").then().statusCode(200)
                .body("items.queueId", contains(a)).body("nextCursor", nullValue());
        Api.as(tenantKey).queryParam("sender", sender).queryParam("recipient", "X@x.example")
                .get("/api/v1/messages").then().statusCode(200).body("items.queueId", contains(c, a));
        Api.as(tenantKey).queryParam("sender", sender).queryParam("from", t0.plusSeconds(5).toString())
                .queryParam("to", t0.plusSeconds(20).toString())
                .get("/api/v1/messages").then().statusCode(200).body("items.queueId", contains(b));
        Api.as(tenantKey).queryParam("sender", sender).queryParam("status", "QUEUED")
                .get("/api/v1/messages").then().statusCode(200).body("items.queueId", contains(c, a))
                .body("items[0].recipients[0].status", equalTo("QUEUED"));

        // another tenant sees none of it, and cannot ask for it
        String other = Api.tenantKey(Api.createTenant("tracking-other"));
        Api.as(other).queryParam("sender", sender).get("/api/v1/messages").then().statusCode(200)
                .body("items", hasSize(0));
        Api.as(other).get("/api/v1/messages/" + a).then().statusCode(404);
        Api.as(other).queryParam("tenantId", tenant).get("/api/v1/messages").then().statusCode(403);
        // the operator sees everything, or one tenant on request
        operator().queryParam("sender", sender).queryParam("tenantId", tenant).get("/api/v1/messages")
                .then().statusCode(200).body("items", hasSize(3));
    }

    @Test
    void badSearchParametersAreProblems() {
        Api.as(tenantKey).queryParam("from", "yesterday").get("/api/v1/messages").then().statusCode(400)
                .contentType("application/problem+json").body("detail", notNullValue());
        Api.as(tenantKey).queryParam("status", "LOST").get("/api/v1/messages").then().statusCode(400);
        Api.as(tenantKey).queryParam("cursor", "!!").get("/api/v1/messages").then().statusCode(400);
        Api.as(tenantKey).get("/api/v1/messages/no-such-id").then().statusCode(404)
                .body("type", equalTo("https://securemail.org/problems/not-found"));
    }

    @Test
    void anUnreadableMailRecordIsCountedAndSkippedNeverDeadLetteredAsMail() throws Exception {
        double acceptedBefore = skipped("mail.accepted");
        double inspectionBefore = skipped("inspection");
        String noEnvelope = queueId();
        String garbage = queueId();
        String badSummary = queueId();
        broker.send(Topics.MAIL_ACCEPTED, noEnvelope, "body".getBytes(StandardCharsets.UTF_8), Map.of());
        broker.send(Topics.MAIL_ACCEPTED, garbage, "body".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.ENVELOPE, "{not json".getBytes(StandardCharsets.UTF_8)));
        broker.send(Topics.MAIL_READY, badSummary, "body".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.INSPECTION, "null".getBytes(StandardCharsets.UTF_8)));
        String good = queueId();
        accepted(envelope(good, "a@a.example", List.of("b@b.example"), t0));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                Api.as(tenantKey).get("/api/v1/messages/" + good).then().statusCode(200));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(skipped("mail.accepted")).isGreaterThanOrEqualTo(acceptedBefore + 2);
            assertThat(skipped("inspection")).isGreaterThanOrEqualTo(inspectionBefore + 1);
        });
        // skipped, so neither tracked nor written to a dead-letter topic an operator would replay as mail
        Api.as(tenantKey).get("/api/v1/messages/" + garbage).then().statusCode(404);
        Set<String> bad = Set.of(noEnvelope, garbage, badSummary);
        assertThat(TopicReader.readAll(broker, Topics.dlq(Topics.MAIL_ACCEPTED), bad)).isEmpty();
        assertThat(TopicReader.readAll(broker, Topics.dlq(Topics.MAIL_READY), bad)).isEmpty();
    }

    @Test
    void aBatchWithAnUnreadableDeliveryEventTracksEveryOtherRecordOfIt() throws Exception {
        double before = skipped("delivery.events");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = queueId();
            ids.add(id);
            accepted(envelope(id, "batch@a.example", List.of("r" + i + "@b.example"), t0));
        }
        for (int i = 0; i < ids.size(); i++) {
            if (i == ids.size() / 2) {
                broker.send(Topics.DELIVERY_EVENTS, "poison", "{\"queueId\":".getBytes(StandardCharsets.UTF_8), Map.of());
            }
            delivery(new DeliveryEvent(ids.get(i), "r" + i + "@b.example", 1, Outcome.DELIVERED, "mx.b.example[192.0.2.2]:25",
                    "250 2.0.0 ok", null, t0.plusSeconds(1)));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String id : ids) {
                Api.as(tenantKey).get("/api/v1/messages/" + id).then().statusCode(200)
                        .body("recipients[0].status", equalTo("DELIVERED"));
            }
        });
        assertThat(skipped("delivery.events")).isEqualTo(before + 1);
    }

    private double skipped(String source) {
        return registry.counter("provisioning.tracking.skipped", "source", source).count();
    }

    private MailEnvelope envelope(String id, String sender, List<String> rcpts, Instant at) {
        return new MailEnvelope(id, sender, rcpts, "192.0.2.1", "client.example", "TLSv1.3", sender, tenant,
                Direction.OUTBOUND, at, 1234);
    }

    private void accepted(MailEnvelope env) throws Exception {
        broker.send(Topics.MAIL_ACCEPTED, env.queueId(), "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8),
                Map.of(MailHeaders.ENVELOPE, json.writeValueAsBytes(env)));
    }

    private void delivery(DeliveryEvent event) throws Exception {
        broker.send(Topics.DELIVERY_EVENTS, event.queueId(), json.writeValueAsBytes(event), Map.of());
    }

    private static String queueId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    }
}
